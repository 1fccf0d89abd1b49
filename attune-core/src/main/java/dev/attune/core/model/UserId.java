package dev.attune.core.model;

/**
 * An end user of the application, unique within a tenant.
 *
 * @param value 1-128 characters of letters, digits and {@code . _ : @ + -}
 */
public record UserId(String value) {
  public UserId {
    Ids.check("user_id", value);
  }

  public static UserId of(String value) {
    return new UserId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
