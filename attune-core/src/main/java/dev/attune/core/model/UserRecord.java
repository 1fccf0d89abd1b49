package dev.attune.core.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user as the store knows them: their explicit profile and the org they belong to.
 *
 * @param id the user
 * @param org the org they belong to, if any
 * @param profile their explicit profile
 * @param createdAt when Attune first heard of them
 * @param updatedAt when anything of theirs last changed
 */
public record UserRecord(
    UserId id, @Nullable OrgId org, UserProfile profile, Instant createdAt, Instant updatedAt) {
  public UserRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  public static UserRecord create(UserId id, @Nullable OrgId org, Instant now) {
    return new UserRecord(id, org, UserProfile.empty(), now, now);
  }
}
