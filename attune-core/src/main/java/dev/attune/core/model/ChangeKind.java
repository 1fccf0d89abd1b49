package dev.attune.core.model;

import java.util.Locale;

/** The kinds of change recorded in a memory's history. */
public enum ChangeKind {
  CREATED,
  REINFORCED,
  SUPERSEDED,
  EDITED,
  PINNED,
  UNPINNED,
  DELETED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
