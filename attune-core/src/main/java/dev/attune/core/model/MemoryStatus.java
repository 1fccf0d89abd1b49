package dev.attune.core.model;

import java.util.Locale;

/** Lifecycle of a memory. Nothing moves from active to gone without passing through history. */
public enum MemoryStatus {
  /** Current; eligible for context. */
  ACTIVE,
  /** Replaced by a newer memory; kept with its validity interval closed. */
  SUPERSEDED,
  /** Deleted by the user or an operator; kept only as a tombstone for history until forget. */
  DELETED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
