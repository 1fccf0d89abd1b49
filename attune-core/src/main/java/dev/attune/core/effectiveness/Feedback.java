package dev.attune.core.effectiveness;

import dev.attune.core.model.Ids;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.UserId;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A signal from the application about a user's experience, optionally about one context pack.
 *
 * @param id {@code fb_} and 24 hex digits
 * @param contextId the pack it is about, or null
 * @param value the rating, for {@link Signal#RATING} (1..5); null otherwise
 * @param comment free text, redacted by the privacy screen before it is stored; at most {@link
 *     #MAX_COMMENT_CHARS} characters
 */
public record Feedback(
    String id,
    UserId user,
    @Nullable String contextId,
    Signal signal,
    @Nullable Double value,
    @Nullable String comment,
    Instant at) {
  public static final int MAX_COMMENT_CHARS = 2_000;
  public static final double MIN_RATING = 1;
  public static final double MAX_RATING = 5;

  public Feedback {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(at, "at");
    Ids.checkOptional("context_id", contextId);
    if (signal == Signal.RATING) {
      if (value == null) {
        throw new InvalidRequestException("value", "value is required for a rating (1..5)");
      }
      if (!(value >= MIN_RATING && value <= MAX_RATING)) {
        throw new InvalidRequestException(
            "value", "value must be within 1..5 for a rating; got " + value);
      }
    } else if (value != null) {
      throw new InvalidRequestException(
          "value", "value applies to a rating only; signal " + signal.wireName() + " takes none");
    }
    if (comment != null && comment.length() > MAX_COMMENT_CHARS) {
      throw new InvalidRequestException(
          "comment",
          "comment is " + comment.length() + " characters; at most " + MAX_COMMENT_CHARS);
    }
  }

  /** What the application saw. */
  public enum Signal {
    THUMBS_UP,
    THUMBS_DOWN,
    RATING,
    TASK_COMPLETED,
    TASK_ABANDONED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws InvalidRequestException naming {@code field} for an unknown signal
     */
    public static Signal parse(String field, @Nullable String value) {
      if (value == null) {
        throw new InvalidRequestException(field, field + " is required");
      }
      for (Signal s : values()) {
        if (s.wireName().equals(value)) {
          return s;
        }
      }
      throw new InvalidRequestException(
          field,
          field
              + " must be one of thumbs_up, thumbs_down, rating, task_completed, task_abandoned;"
              + " got '"
              + value
              + "'");
    }
  }
}
