package dev.attune.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A user's profile as the API shows it. */
public record ProfileBody(
    String userId,
    @Nullable String orgId,
    @Nullable String name,
    @Nullable String role,
    @Nullable String expertise,
    @Nullable String communicationStyle,
    @Nullable String language,
    List<String> preferences,
    Map<String, String> attributes,
    Instant createdAt,
    Instant updatedAt) {

  /** {@code PUT /v1/users/{user_id}/profile}: replaces the profile (absent fields are cleared). */
  public record Put(
      @Nullable String name,
      @Nullable String role,
      @Nullable String expertise,
      @Nullable String communicationStyle,
      @Nullable String language,
      @Nullable List<String> preferences,
      @Nullable Map<String, String> attributes,
      @Nullable String orgId) {}
}
