package dev.attune.core.model;

import java.util.Locale;

/** How a memory came to exist. */
public enum Origin {
  /** Extracted from observed conversation. */
  OBSERVED,
  /** Added explicitly through the API or command line. */
  EXPLICIT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
