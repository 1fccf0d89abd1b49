package dev.attune.core.model;

import dev.attune.core.InvalidRequestException;
import java.util.regex.Pattern;

/** Validation shared by the identifier records. */
final class Ids {
  static final int MAX_LENGTH = 128;
  private static final Pattern ALLOWED =
      Pattern.compile("[A-Za-z0-9._:@+\\-]{1," + MAX_LENGTH + "}");

  private Ids() {}

  static String check(String field, String value) {
    if (value == null) {
      throw new InvalidRequestException(field, field + " is required");
    }
    if (!ALLOWED.matcher(value).matches()) {
      throw new InvalidRequestException(
          field,
          field
              + " must be 1-"
              + MAX_LENGTH
              + " characters of letters, digits and . _ : @ + -; got '"
              + abbreviate(value)
              + "'");
    }
    return value;
  }

  static String abbreviate(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 40 ? clean : clean.substring(0, 40) + "...";
  }
}
