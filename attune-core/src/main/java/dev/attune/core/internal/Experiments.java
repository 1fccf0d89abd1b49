package dev.attune.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults;
import dev.attune.core.model.ConflictException;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's A/B holdouts: stored, one active at a time, its arms assigned by a stable hash on
 * every context request (the active experiment cached for {@link #CACHE} per node), and its results
 * computed from the users' tallies.
 */
public final class Experiments {
  /** How long a node may take to see another node's change to an experiment. */
  static final Duration CACHE = Duration.ofSeconds(5);

  /** The user's arm in the tenant's active experiment. */
  public record Assignment(Experiment experiment, Experiment.Arm arm) {}

  private final Store store;
  private final Runnable flush;
  private final Cache<TenantId, Optional<Experiment>> active =
      Caffeine.newBuilder().expireAfterWrite(CACHE).maximumSize(10_000).build();
  private final Object writes = new Object();

  /**
   * @param flush writes what the recorder holds, so that results count every context served
   */
  Experiments(Store store, Runnable flush) {
    this.store = store;
    this.flush = flush;
  }

  /** The user's arm in the tenant's active experiment; null when none is active. */
  public @Nullable Assignment assign(TenantId tenant, UserId user) {
    Optional<Experiment> e =
        active.get(
            tenant, t -> store.experiments(t).stream().filter(Experiment::active).findFirst());
    return e.map(x -> new Assignment(x, x.armOf(tenant, user))).orElse(null);
  }

  /**
   * Stores the experiment.
   *
   * @throws ConflictException when it is active and another of the tenant's experiments is
   */
  public Experiment put(TenantId tenant, Experiment experiment) {
    synchronized (writes) {
      if (experiment.active()) {
        for (Experiment other : store.experiments(tenant)) {
          if (other.active() && !other.name().equals(experiment.name())) {
            throw new ConflictException(
                "experiment '"
                    + other.name()
                    + "' is active; a tenant runs one experiment at a time: deactivate it first");
          }
        }
      }
      store.putExperiment(tenant, experiment);
      active.invalidate(tenant);
      return experiment;
    }
  }

  public Optional<Experiment> get(TenantId tenant, String name) {
    return store.experiment(tenant, name);
  }

  public List<Experiment> list(TenantId tenant) {
    return store.experiments(tenant);
  }

  public boolean delete(TenantId tenant, String name) {
    synchronized (writes) {
      boolean deleted = store.deleteExperiment(tenant, name);
      active.invalidate(tenant);
      return deleted;
    }
  }

  /**
   * The experiment's results from {@code from} to {@code to}.
   *
   * @throws NotFoundException when the tenant has no experiment by that name
   */
  public ExperimentResults results(TenantId tenant, String name, Instant from, Instant to) {
    EffectTracker.checkRange(from, to, EffectTracker.MAX_DAILY_RANGE);
    Experiment e =
        store
            .experiment(tenant, name)
            .orElseThrow(() -> new NotFoundException("no experiment '" + name + "'"));
    flush.run();
    return ExperimentResults.compute(e, from, to, store.tallies(tenant, name, from, to));
  }
}
