package dev.attune.core.model;

import java.util.Locale;

/** What an API key may do within its tenant. */
public enum KeyRole {
  /** Everything in its tenant, keys and audit included. */
  ADMIN,
  /** Context, observe, profiles, memories and orgs: what an application's backend needs. */
  SERVICE,
  /** A short-lived token bound to one user: read, export and delete that user's own data. */
  USER,
  /**
   * Attune itself, in audit entries for decisions it made (privacy policy, retention); no key has
   * this role.
   */
  SYSTEM;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
