package dev.attune.core.model;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one rule for identifiers (tenant, user, org, session, message): 1 to {@value #MAX_LENGTH}
 * characters of letters, digits and {@code . _ : @ + -}. The id records, the requests and the HTTP
 * and command-line edges all check through here.
 */
public final class Ids {
  public static final int MAX_LENGTH = 128;
  private static final Pattern ALLOWED =
      Pattern.compile("[A-Za-z0-9._:@+\\-]{1," + MAX_LENGTH + "}");

  private Ids() {}

  /**
   * {@code value}, when it is a valid id.
   *
   * @throws InvalidRequestException naming {@code field} when it is missing or not valid
   */
  public static String check(String field, String value) {
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

  /** {@code value}, or null when it is null; else as {@link #check}. */
  public static @Nullable String checkOptional(String field, @Nullable String value) {
    return value == null ? null : check(field, value);
  }

  static String abbreviate(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 40 ? clean : clean.substring(0, 40) + "...";
  }
}
