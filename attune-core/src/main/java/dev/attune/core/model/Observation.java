package dev.attune.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Messages accepted for observing, and what became of them. Accepted observations are durable: a
 * crash before they are processed loses nothing; they are processed after the restart.
 *
 * @param id the observation id returned to the caller
 * @param user whose messages
 * @param org the org given with them
 * @param sessionId their session
 * @param messages the messages, with ids and timestamps fixed at acceptance; emptied once done
 * @param actor who sent them, for history
 * @param receivedAt when they were accepted
 * @param state pending, running, done or failed
 * @param attempts how many times processing started
 * @param finishedAt when processing ended
 * @param outcome what changed (done only)
 * @param error why it failed (failed only)
 */
public record Observation(
    String id,
    UserId user,
    @Nullable OrgId org,
    @Nullable String sessionId,
    List<Message> messages,
    String actor,
    Instant receivedAt,
    State state,
    int attempts,
    @Nullable Instant finishedAt,
    @Nullable Outcome outcome,
    @Nullable String error) {

  /** Lifecycle of an observation. */
  public enum State {
    PENDING,
    RUNNING,
    DONE,
    FAILED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What an observation changed. */
  public record Outcome(
      int stored,
      int duplicates,
      List<MemoryId> added,
      List<MemoryId> reinforced,
      List<MemoryId> superseded,
      int awaitingExtraction) {
    public Outcome {
      added = List.copyOf(added);
      reinforced = List.copyOf(reinforced);
      superseded = List.copyOf(superseded);
    }

    /** An outcome with nothing left for a chat model to extract. */
    public Outcome(
        int stored,
        int duplicates,
        List<MemoryId> added,
        List<MemoryId> reinforced,
        List<MemoryId> superseded) {
      this(stored, duplicates, added, reinforced, superseded, 0);
    }
  }

  public Observation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(state, "state");
    messages = List.copyOf(messages);
  }

  public static Observation pending(
      String id,
      UserId user,
      @Nullable OrgId org,
      @Nullable String sessionId,
      List<Message> messages,
      String actor,
      Instant at) {
    return new Observation(
        id, user, org, sessionId, messages, actor, at, State.PENDING, 0, null, null, null);
  }

  /** This observation done at {@code at}, with what it changed (its messages are let go). */
  public Observation done(Instant at, Outcome outcome) {
    return new Observation(
        id,
        user,
        org,
        sessionId,
        List.of(),
        actor,
        receivedAt,
        State.DONE,
        attempts,
        at,
        outcome,
        null);
  }

  /** This observation failed at {@code at} for {@code reason} (its messages are let go). */
  public Observation failed(Instant at, String reason) {
    return new Observation(
        id,
        user,
        org,
        sessionId,
        List.of(),
        actor,
        receivedAt,
        State.FAILED,
        attempts,
        at,
        null,
        reason);
  }
}
