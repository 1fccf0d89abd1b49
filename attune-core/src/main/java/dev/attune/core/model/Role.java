package dev.attune.core.model;

import java.util.Locale;

/** Who wrote a message. Only the user's own messages are mined for facts about the user. */
public enum Role {
  USER,
  ASSISTANT,
  SYSTEM,
  TOOL;

  /** The lower-case name used on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name, case-insensitively.
   *
   * @throws InvalidRequestException naming {@code field} when the value is not a role
   */
  public static Role parse(String field, String value) {
    for (Role role : values()) {
      if (role.wireName().equalsIgnoreCase(value)) {
        return role;
      }
    }
    throw new InvalidRequestException(
        field, field + " must be one of user, assistant, system, tool; got '" + value + "'");
  }
}
