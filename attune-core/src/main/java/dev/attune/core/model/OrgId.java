package dev.attune.core.model;

/**
 * An organization within a tenant; users may belong to one.
 *
 * @param value 1-128 characters of letters, digits and {@code . _ : @ + -}
 */
public record OrgId(String value) {
  public OrgId {
    Ids.check("org_id", value);
  }

  public static OrgId of(String value) {
    return new OrgId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
