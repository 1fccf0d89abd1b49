package dev.attune.core.model;

/**
 * The API account: the hard isolation boundary. Every stored row and every store method is keyed by
 * it.
 *
 * @param value 1-128 characters of letters, digits and {@code . _ : @ + -}
 */
public record TenantId(String value) {
  public TenantId {
    Ids.check("tenant_id", value);
  }

  public static TenantId of(String value) {
    return new TenantId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
