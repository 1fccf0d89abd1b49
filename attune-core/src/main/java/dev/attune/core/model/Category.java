package dev.attune.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a memory is about. The category decides which context block a memory is rendered in. Whether
 * a newer fact replaces an older one is decided by its slot, not its category (a user has one home
 * town but many hobbies, both facts of one category).
 */
public enum Category {
  /** Name, pronouns, age, family role. */
  IDENTITY,
  /** Job title, employer, team. */
  ROLE,
  /** Skill level in a domain. */
  EXPERTISE,
  /** Likes and wishes. */
  PREFERENCE,
  /** Dislikes and things to avoid. */
  AVERSION,
  /** Tools, programming languages, frameworks, products used. */
  TOOL,
  /** Constraints: limits, requirements, allergies, deadlines. */
  CONSTRAINT,
  /** How the user wants to be addressed and answered. */
  COMMUNICATION_STYLE,
  /** Where the user lives or works. */
  LOCATION,
  /** Languages the user speaks or wants answers in. */
  LANGUAGE,
  /** What the user is working towards. */
  GOAL,
  /** People in the user's life. */
  RELATIONSHIP,
  /** Something that happened to or was done by the user. */
  EVENT,
  /** Anything else the user stated about themselves. */
  FACT;

  /** True for categories rendered in the preferences block rather than among facts. */
  public boolean isPreference() {
    return this == PREFERENCE || this == AVERSION || this == COMMUNICATION_STYLE;
  }

  /** True for categories that describe who the user is (rendered with the profile). */
  public boolean isProfile() {
    return this == IDENTITY
        || this == ROLE
        || this == EXPERTISE
        || this == LOCATION
        || this == LANGUAGE;
  }

  /** The lower-case name used on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name, case-insensitively.
   *
   * @throws InvalidRequestException naming {@code field} when the value is not a category
   */
  public static Category parse(String field, String value) {
    for (Category category : values()) {
      if (category.wireName().equalsIgnoreCase(value)) {
        return category;
      }
    }
    throw new InvalidRequestException(
        field,
        field
            + " must be one of "
            + Arrays.stream(values()).map(Category::wireName).collect(Collectors.joining(", "))
            + "; got '"
            + value
            + "'");
  }
}
