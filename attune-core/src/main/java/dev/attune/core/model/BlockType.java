package dev.attune.core.model;

import java.util.Locale;

/**
 * The blocks of the structured context protocol, each with a default priority. Higher priority
 * blocks are filled first and rendered first; when the budget is short, lower blocks are trimmed
 * item by item before any block is dropped.
 */
public enum BlockType {
  /** The org's compliance rules; they override conflicting user preferences. */
  COMPLIANCE(100, "Compliance (organization rules; they override conflicting user preferences)"),
  /** Recent messages of the active session. */
  SESSION(90, "Current session"),
  /** Who the user is: explicit profile and identity facts (the "role" priority). */
  PROFILE(80, "User profile"),
  /** The org's profile: name, industry, terminology, tone. */
  ORG(70, "Organization"),
  /** Preferences, aversions and communication style. */
  PREFERENCES(60, "Preferences"),
  /** Facts relevant to the request (the "historical facts" priority). */
  MEMORIES(40, "Relevant memories"),
  /** Related messages from past sessions (the "general" priority). */
  HISTORY(20, "Related past conversation");

  private final int defaultPriority;
  private final String title;

  BlockType(int defaultPriority, String title) {
    this.defaultPriority = defaultPriority;
    this.title = title;
  }

  public int defaultPriority() {
    return defaultPriority;
  }

  /** The section title in rendered Markdown. */
  public String title() {
    return title;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
