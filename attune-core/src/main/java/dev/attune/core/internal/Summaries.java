package dev.attune.core.internal;

import dev.attune.core.learning.Compressor;
import dev.attune.core.model.Category;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Summarizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps each category's summary in step with its members: every change to a user's memories,
 * learned or explicit, asks here what the summaries of the categories it touched become.
 */
public final class Summaries {
  private final Compressor compressor;
  private final Summarizer summarizer;

  public Summaries(Compressor compressor, Summarizer summarizer) {
    this.compressor = compressor;
    this.summarizer = summarizer;
  }

  /** The summary updates a change to {@code changed} needs, for the categories it touched. */
  public Compressor.Update refresh(
      TenantId tenant, UserId user, List<Memory> active, List<Memory> changed, Instant now) {
    Set<Category> touched = EnumSet.noneOf(Category.class);
    changed.stream().filter(m -> !Compressor.isSummary(m)).forEach(m -> touched.add(m.category()));
    return refresh(tenant, user, active, changed, touched, now);
  }

  /** As above, for the categories named. */
  public Compressor.Update refresh(
      TenantId tenant,
      UserId user,
      List<Memory> active,
      List<Memory> changed,
      Set<Category> touched,
      Instant now) {
    if (touched.isEmpty()) {
      return Compressor.Update.NONE;
    }
    Map<MemoryId, Memory> view = new LinkedHashMap<>();
    active.forEach(m -> view.put(m.id(), m));
    changed.forEach(m -> view.put(m.id(), m));
    return compressor.refresh(tenant, user, touched, List.copyOf(view.values()), summarizer, now);
  }

  /** {@code a} then {@code b}. */
  public static <T> List<T> concat(List<T> a, List<T> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<T> out = new ArrayList<>(a.size() + b.size());
    out.addAll(a);
    out.addAll(b);
    return out;
  }
}
