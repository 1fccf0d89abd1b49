package dev.attune.core.effectiveness;

import dev.attune.core.model.MemoryId;
import dev.attune.core.model.UserId;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user (or the application on their behalf) setting Attune right about something it knew.
 *
 * @param id {@code cor_} and 24 hex digits
 * @param memory the memory corrected
 * @param contextId the latest pack it was injected in before the correction, or null
 * @param extracted whether Attune had extracted the memory from conversation (the share of those
 *     corrected is a live measure of extraction accuracy)
 */
public record Correction(
    String id,
    UserId user,
    MemoryId memory,
    @Nullable String contextId,
    Kind kind,
    boolean extracted,
    Instant at) {
  public Correction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
  }

  /** How the memory was set right. */
  public enum Kind {
    /** The user contradicted it in conversation ("No, I'm not vegetarian any more"). */
    CONTRADICTED,
    /** Its text or category was edited through the API. */
    EDITED,
    /** It was deleted through the API. */
    DELETED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }
  }
}
