package dev.attune.server.wire;

import dev.attune.api.EffectBodies;
import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.EffectivenessSummary;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.ExperimentResults;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.Metric;
import dev.attune.core.effectiveness.Stats;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.TenantId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Conversions of the effectiveness API's bodies; NaN and infinities go out as null. */
public final class EffectWire {
  private EffectWire() {}

  // ---- in ----

  /**
   * An experiment from its body; {@code name} comes from the path.
   *
   * @throws InvalidRequestException naming the field for what is missing or wrong
   */
  public static Experiment experiment(String name, EffectBodies.Experiment body) {
    if (body.name() != null && !body.name().equals(name)) {
      throw new InvalidRequestException(
          "name",
          "name in the body ('" + body.name() + "') differs from the path ('" + name + "')");
    }
    if (body.arms() == null) {
      throw new InvalidRequestException("arms", "arms is required");
    }
    List<Experiment.Arm> arms = new ArrayList<>();
    for (int i = 0; i < body.arms().size(); i++) {
      EffectBodies.Arm a = body.arms().get(i);
      String field = "arms[" + i + "]";
      if (a == null) {
        throw new InvalidRequestException(field, field + " must be an object");
      }
      if (a.share() == null) {
        throw new InvalidRequestException(field + ".share", field + ".share is required");
      }
      if (a.personalize() == null) {
        throw new InvalidRequestException(
            field + ".personalize", field + ".personalize is required (true or false)");
      }
      arms.add(new Experiment.Arm(a.name(), a.share(), a.personalize(), a.maxTokens()));
    }
    Metric primary =
        body.primaryMetric() == null
            ? Metric.TASK_COMPLETION
            : Metric.parse("primary_metric", body.primaryMetric());
    return new Experiment(name, arms, body.active() == null || body.active(), primary);
  }

  // ---- out ----

  public static EffectBodies.Experiment experiment(Experiment e) {
    return new EffectBodies.Experiment(
        e.name(),
        e.arms().stream()
            .map(a -> new EffectBodies.Arm(a.name(), a.share(), a.personalize(), a.maxTokens()))
            .toList(),
        e.active(),
        e.primary().wireName());
  }

  public static EffectBodies.FeedbackOut feedback(Feedback f) {
    return new EffectBodies.FeedbackOut(
        f.id(),
        f.user().value(),
        f.contextId(),
        f.signal().wireName(),
        f.value(),
        f.comment(),
        f.at());
  }

  public static EffectBodies.CorrectionBody correction(Correction c) {
    return new EffectBodies.CorrectionBody(
        c.id(), c.memory().value(), c.contextId(), c.kind().wireName(), c.extracted(), c.at());
  }

  public static EffectBodies.ContextRecordBody record(ContextRecord r) {
    Set<String> used = r.utilization() == null ? Set.of() : new HashSet<>(r.utilization().used());
    List<EffectBodies.Injected> items = new ArrayList<>(r.items().size());
    for (ContextRecord.Injected i : r.items()) {
      items.add(
          new EffectBodies.Injected(
              i.id(),
              i.block().wireName(),
              i.kind().wireName(),
              i.tokens(),
              r.utilization() == null ? null : used.contains(i.id())));
    }
    return new EffectBodies.ContextRecordBody(
        r.id(),
        r.user().value(),
        r.at(),
        r.experiment(),
        r.arm(),
        r.budget(),
        r.tokens(),
        r.degraded(),
        r.latencyMicros() / 1000.0,
        r.sessionId(),
        items,
        r.utilization() == null ? null : r.utilization().at(),
        r.utilization() == null ? null : r.utilization().messageId());
  }

  public static EffectBodies.Results results(ExperimentResults r) {
    List<EffectBodies.ArmResult> arms = new ArrayList<>();
    for (ExperimentResults.ArmResult a : r.arms()) {
      Map<String, EffectBodies.Estimate> metrics = new LinkedHashMap<>();
      Map<String, EffectBodies.Estimate> lift = new LinkedHashMap<>();
      Map<String, String> verdicts = new LinkedHashMap<>();
      for (Metric m : Metric.values()) {
        metrics.put(m.wireName(), estimate(a.metrics().get(m)));
        lift.put(m.wireName(), estimate(a.lift().get(m)));
        verdicts.put(m.wireName(), a.verdicts().get(m).wireName());
      }
      arms.add(
          new EffectBodies.ArmResult(
              a.arm(),
              a.share(),
              a.personalize(),
              a.users(),
              a.contexts(),
              metrics,
              lift,
              verdicts,
              a.verdict().wireName()));
    }
    return new EffectBodies.Results(
        r.experiment(), r.from(), r.to(), r.primary().wireName(), r.control(), arms);
  }

  static EffectBodies.Estimate estimate(Stats.Estimate e) {
    return new EffectBodies.Estimate(finite(e.value()), finite(e.low()), finite(e.high()), e.n());
  }

  public static EffectBodies.Summary summary(
      TenantId tenant, EffectivenessSummary s, long dropped, double latencyTargetMs) {
    return new EffectBodies.Summary(
        tenant.value(),
        s.from(),
        s.to(),
        s.granularity().wireName(),
        period(s.total()),
        s.periods().stream().map(EffectWire::period).toList(),
        new EffectBodies.ModelUsage(
            s.modelCalls().calls(),
            s.modelCalls().failures(),
            s.modelCalls().inputTokens(),
            s.modelCalls().outputTokens()),
        dropped,
        latencyTargetMs);
  }

  static EffectBodies.Period period(EffectivenessSummary.Period p) {
    Map<String, @Nullable Double> storage = new LinkedHashMap<>();
    p.storage().forEach((k, v) -> storage.put(k, finite(v)));
    return new EffectBodies.Period(
        p.start(),
        p.contexts(),
        finite(p.latencyP50Ms()),
        finite(p.latencyP95Ms()),
        finite(p.latencyP99Ms()),
        finite(p.workingSetHitRate()),
        finite(p.degradedRate()),
        finite(p.emptyRate()),
        finite(p.meanTokens()),
        p.utilizedContexts(),
        finite(p.itemsUsedShare()),
        finite(p.tokensUsedShare()),
        p.corrections(),
        finite(p.correctionsPer100Contexts()),
        finite(p.extractedCorrectedShare()),
        p.feedback(),
        finite(p.meanRating()),
        p.memories(),
        p.messagesObserved(),
        storage,
        p.extractionBacklog());
  }

  /** A number for JSON: null for NaN and infinities, six decimals at most. */
  static @Nullable Double finite(double v) {
    return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
  }
}
