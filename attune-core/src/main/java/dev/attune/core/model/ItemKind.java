package dev.attune.core.model;

import java.util.Locale;

/** What a context item was made from. */
public enum ItemKind {
  /** A memory (an extracted or explicit fact). */
  FACT,
  /** One or more observed messages. */
  EPISODE,
  /** A field of the user's explicit profile. */
  PROFILE,
  /** A field of the org's profile. */
  ORG;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
