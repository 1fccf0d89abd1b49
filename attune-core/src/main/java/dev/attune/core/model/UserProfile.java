package dev.attune.core.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the user (or the application on their behalf) states explicitly about them. Observed facts
 * live in memories; the profile is the part the user edits directly.
 *
 * @param name how to address the user
 * @param role job title or function
 * @param expertise expertise level, e.g. {@code beginner}, {@code intermediate}, {@code expert}
 * @param communicationStyle how they want answers, e.g. {@code concise, no jargon}
 * @param language preferred language for answers, e.g. {@code de}
 * @param preferences stated preferences, one per entry
 * @param attributes free attributes (e.g. {@code timezone: Europe/Berlin})
 */
public record UserProfile(
    @Nullable String name,
    @Nullable String role,
    @Nullable String expertise,
    @Nullable String communicationStyle,
    @Nullable String language,
    List<String> preferences,
    Map<String, String> attributes) {

  /** The field names accepted by {@link #patch(Map)}, as on the wire. */
  public static final Set<String> FIELDS =
      Set.of(
          "name",
          "role",
          "expertise",
          "communication_style",
          "language",
          "preferences",
          "attributes");

  public UserProfile {
    name = ProfileValues.text("name", name);
    role = ProfileValues.text("role", role);
    expertise = ProfileValues.text("expertise", expertise);
    communicationStyle = ProfileValues.text("communication_style", communicationStyle);
    language = ProfileValues.text("language", language);
    preferences = ProfileValues.list("preferences", preferences);
    attributes = ProfileValues.map("attributes", attributes);
  }

  public static UserProfile empty() {
    return new UserProfile(null, null, null, null, null, List.of(), Map.of());
  }

  public boolean isEmpty() {
    return equals(empty());
  }

  /**
   * Applies a JSON merge patch (RFC 7386) given as parsed JSON: absent fields are kept, null
   * clears, {@code attributes} merges key by key.
   *
   * @throws dev.attune.core.model.InvalidRequestException naming the field for an unknown field or
   *     a value of the wrong type
   */
  public UserProfile patch(Map<String, ?> patch) {
    ProfileValues.checkKeys(patch, FIELDS);
    return new UserProfile(
        ProfileValues.patchText(patch, "name", name),
        ProfileValues.patchText(patch, "role", role),
        ProfileValues.patchText(patch, "expertise", expertise),
        ProfileValues.patchText(patch, "communication_style", communicationStyle),
        ProfileValues.patchText(patch, "language", language),
        ProfileValues.patchList(patch, "preferences", preferences),
        ProfileValues.patchMap(patch, "attributes", attributes));
  }
}
