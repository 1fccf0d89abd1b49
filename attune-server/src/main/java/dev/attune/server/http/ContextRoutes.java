package dev.attune.server.http;

import dev.attune.api.ContextQuery;
import dev.attune.api.MemoryBody;
import dev.attune.api.ObservationBody;
import dev.attune.api.ObserveBody;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.Category;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.Observation;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.server.ServerConfig;
import dev.attune.server.ServerMetrics;
import dev.attune.server.wire.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The two operations: {@code POST /v1/context}, {@code POST /v1/observe} and its outcome. */
final class ContextRoutes {
  private final Attune attune;
  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final LearningBacklog backlog;

  ContextRoutes(
      Attune attune, ServerConfig config, ServerMetrics metrics, LearningBacklog backlog) {
    this.attune = attune;
    this.config = config;
    this.metrics = metrics;
    this.backlog = backlog;
  }

  void declare(Routes r) {
    r.add("POST", "/v1/context", Operation.READ_CONTEXT, this::context);
    r.add("POST", "/v1/observe", Operation.OBSERVE, this::observe);
    r.add("GET", "/v1/observations/{observation_id}", Operation.OBSERVE, this::observation);
  }

  private void context(Call call) {
    ContextQuery q = call.read(ContextQuery.class);
    UserId user = call.forUser(UserId.of(q.userId()));
    ContextRequest.Builder b =
        ContextRequest.builder(call.tenant(), user)
            .query(q.query())
            .sessionId(q.sessionId())
            .modelContextWindow(q.modelContextWindow())
            .timeRange(Wire.instant("from", q.from()), Wire.instant("to", q.to()))
            .timeout(
                Duration.ofMillis(
                    q.timeoutMs() != null ? q.timeoutMs() : config.contextTimeoutMs()));
    if (q.orgId() != null) {
      b.org(OrgId.of(q.orgId()));
    }
    if (q.maxTokens() != null) {
      b.maxTokens(q.maxTokens());
    }
    if (q.conversation() != null) {
      b.conversation(Wire.messages("conversation", q.conversation()));
    }
    if (q.categories() != null) {
      Set<Category> categories = EnumSet.noneOf(Category.class);
      for (int i = 0; i < q.categories().size(); i++) {
        categories.add(
            Category.parse("categories[" + i + "]", String.valueOf(q.categories().get(i))));
      }
      b.categories(categories);
    }
    if (q.limit() != null) {
      b.limit(q.limit());
    }
    call.json(200, Wire.pack(attune.context(b.build())));
  }

  private void observe(Call call) {
    boolean wait = "true".equalsIgnoreCase(call.query("wait"));
    ObserveBody body = call.read(ObserveBody.class);
    UserId user = call.forUser(UserId.of(body.userId()));
    backlog.admit();
    String id =
        call.auditTarget(
            attune.submit(
                ObserveRequest.builder(call.tenant(), user)
                    .org(body.orgId() == null ? null : OrgId.of(body.orgId()))
                    .sessionId(body.sessionId())
                    .messages(Wire.messages("messages", body.messages()))
                    .actor(call.actor())
                    .build()));
    metrics.observationAccepted();
    Observation o =
        wait
            ? attune
                .awaitObservation(call.tenant(), id, Duration.ofMillis(config.observeWaitMs()))
                .orElseThrow()
            : attune.observation(call.tenant(), id).orElseThrow();
    boolean finished = o.state() == Observation.State.DONE || o.state() == Observation.State.FAILED;
    // Without wait the answer is always 202, even when the worker happened to finish first (its
    // status then says so): a status that depended on that race would make clients guess.
    call.json(wait && finished ? 200 : 202, observationBody(call.tenant(), o));
  }

  private void observation(Call call) {
    String id = call.auditTarget(call.ctx().pathParam("observation_id"));
    Observation o =
        attune
            .observation(call.tenant(), id)
            .orElseThrow(() -> new NotFoundException("observation '" + id + "' not found"));
    call.forUser(o.user());
    call.json(200, observationBody(call.tenant(), o));
  }

  private ObservationBody observationBody(TenantId tenant, Observation o) {
    Observation.Outcome out = o.outcome();
    // Every memory the outcome names, read in one query (it was one read per memory).
    Map<MemoryId, MemoryBody> named = new HashMap<>();
    if (out != null) {
      List<MemoryId> ids = new ArrayList<>(out.added());
      ids.addAll(out.reinforced());
      ids.addAll(out.superseded());
      attune
          .memories(tenant, o.user(), ids)
          .forEach(m -> named.put(m.id(), Wire.memory(attune.state(m))));
    }
    return new ObservationBody(
        o.id(),
        o.user().value(),
        o.state().wireName(),
        o.receivedAt(),
        o.finishedAt(),
        out == null ? null : out.stored(),
        out == null ? null : out.duplicates(),
        out == null ? null : bodies(named, out.added()),
        out == null ? null : bodies(named, out.reinforced()),
        out == null ? null : bodies(named, out.superseded()),
        out == null ? null : out.awaitingExtraction(),
        o.error());
  }

  private static List<MemoryBody> bodies(Map<MemoryId, MemoryBody> named, List<MemoryId> ids) {
    return ids.stream().map(named::get).filter(java.util.Objects::nonNull).toList();
  }
}
