package dev.attune.core.effectiveness;

import dev.attune.core.model.BlockType;
import dev.attune.core.model.ItemKind;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What Attune keeps about one context pack it served: enough to trace it (which items, in which
 * blocks, how many tokens), never the text. Kept for the configured retention; erased with the
 * user; part of the user's export.
 *
 * @param id {@code ctx_} and 24 hex digits, as the pack said
 * @param experiment the experiment the user was in when it was served, or null
 * @param arm the user's arm in it, or null
 * @param budget the budget that applied
 * @param tokens tokens the pack took
 * @param degraded whether retrieval ran out of time
 * @param latencyMicros how long the request took
 * @param sessionId the request's session, or null
 * @param items the injected items, in rendered order
 * @param utilization which items a reply written with the pack used; null until one is observed
 */
public record ContextRecord(
    String id,
    TenantId tenant,
    UserId user,
    Instant at,
    @Nullable String experiment,
    @Nullable String arm,
    int budget,
    int tokens,
    boolean degraded,
    long latencyMicros,
    @Nullable String sessionId,
    List<Injected> items,
    @Nullable Utilization utilization) {
  public ContextRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(at, "at");
    items = List.copyOf(items);
  }

  /**
   * One injected item.
   *
   * @param id the memory id, message id or profile field, as in the pack
   */
  public record Injected(String id, BlockType block, ItemKind kind, int tokens) {}

  /**
   * Which items one reply used.
   *
   * @param messageId the reply's message id
   * @param used the ids of the items it used
   */
  public record Utilization(Instant at, String messageId, List<String> used) {
    public Utilization {
      used = List.copyOf(used);
    }
  }

  public ContextRecord withUtilization(@Nullable Utilization u) {
    return new ContextRecord(
        id,
        tenant,
        user,
        at,
        experiment,
        arm,
        budget,
        tokens,
        degraded,
        latencyMicros,
        sessionId,
        items,
        u);
  }

  /** True when the item with this id was injected. */
  public boolean injected(String itemId) {
    return items.stream().anyMatch(i -> i.id().equals(itemId));
  }

  /** Tokens of the injected items a reply used; 0 before any reply. */
  public int usedTokens() {
    if (utilization == null) {
      return 0;
    }
    Set<String> used = new HashSet<>(utilization.used());
    return items.stream().filter(i -> used.contains(i.id())).mapToInt(Injected::tokens).sum();
  }

  /** Tokens of all injected items (the pack's titles and preamble aside). */
  public int itemTokens() {
    return items.stream().mapToInt(Injected::tokens).sum();
  }
}
