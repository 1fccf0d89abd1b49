package dev.attune.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Kinds of personal data Attune finds, and the placeholder each is redacted to. */
public enum Detector {
  /** Credentials: API keys and tokens of well-known services, private keys, JWTs, passwords. */
  SECRET("[secret]"),
  /** Payment card numbers (13 to 19 digits, Luhn-checked). */
  PAYMENT_CARD("[card]"),
  /** International bank account numbers (mod-97 checked). */
  IBAN("[iban]"),
  /**
   * National identity numbers: US SSN, UK NINO, Canadian SIN, Spanish DNI/NIE, Italian codice
   * fiscale.
   */
  NATIONAL_ID("[national id]"),
  /** E-mail addresses. */
  EMAIL("[email]"),
  /** IPv4 and IPv6 addresses. */
  IP_ADDRESS("[ip]"),
  /** Telephone numbers in international and common national formats. */
  PHONE("[phone]"),
  /** Postal addresses: street and number, post codes, post office boxes. */
  ADDRESS("[address]");

  private final String placeholder;

  Detector(String placeholder) {
    this.placeholder = placeholder;
  }

  public String placeholder() {
    return placeholder;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Detector parse(String field, String value) {
    for (Detector d : values()) {
      if (d.wireName().equalsIgnoreCase(value)) {
        return d;
      }
    }
    throw new InvalidRequestException(
        field,
        field
            + " must be one of "
            + Arrays.stream(values()).map(Detector::wireName).collect(Collectors.joining(", "))
            + "; got '"
            + value
            + "'");
  }
}
