package dev.attune.core.model;

import java.util.Locale;

/** How a memory came to exist. */
public enum Origin {
  /** Extracted from observed conversation. */
  OBSERVED,
  /** Added explicitly through the API or command line. */
  EXPLICIT,
  /**
   * A summary of the user's memories of one category, made when they grew past a size; its sources
   * are those of the memories it summarizes.
   */
  SUMMARY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
