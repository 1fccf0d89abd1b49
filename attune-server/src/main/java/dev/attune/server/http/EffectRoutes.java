package dev.attune.server.http;

import dev.attune.api.EffectBodies;
import dev.attune.core.Attune;
import dev.attune.core.Effects;
import dev.attune.core.effectiveness.EffectivenessSummary;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.model.Ids;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.UserId;
import dev.attune.server.wire.EffectWire;
import dev.attune.server.wire.Wire;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Is personalization helping: feedback from the application (service keys), experiments, their
 * results and the tenant's effectiveness summary (admin keys), and a user's recent contexts.
 */
final class EffectRoutes {
  /** The context latency the dashboard draws its line at, in milliseconds. */
  static final double LATENCY_TARGET_MS = 50;

  private final Attune attune;
  private final InstantSource clock;

  EffectRoutes(Attune attune, InstantSource clock) {
    this.attune = attune;
    this.clock = clock;
  }

  void declare(Routes r) {
    r.add("POST", "/v1/feedback", Operation.FEEDBACK, this::feedback);
    r.add("GET", "/v1/experiments", Operation.ADMINISTER, this::listExperiments);
    r.add("PUT", "/v1/experiments/{name}", Operation.ADMINISTER, this::putExperiment);
    r.add("GET", "/v1/experiments/{name}", Operation.ADMINISTER, this::getExperiment);
    r.add("DELETE", "/v1/experiments/{name}", Operation.ADMINISTER, this::deleteExperiment);
    r.add("GET", "/v1/experiments/{name}/results", Operation.ADMINISTER, this::results);
    r.add("GET", "/v1/effectiveness", Operation.ADMINISTER, this::effectiveness);
    r.add("GET", "/v1/users", Operation.ADMINISTER, this::users);
    r.add("GET", "/v1/users/{user_id}/contexts", Operation.READ_CONTEXT_RECORDS, this::contexts);
    r.add(
        "GET",
        "/v1/users/{user_id}/contexts/{context_id}",
        Operation.READ_CONTEXT_RECORDS,
        this::context);
  }

  private void feedback(Call call) {
    EffectBodies.FeedbackIn body = call.read(EffectBodies.FeedbackIn.class);
    UserId user = call.forUser(UserId.of(body.userId()));
    Feedback.Signal signal = Feedback.Signal.parse("signal", body.signal());
    Feedback f =
        attune
            .effects()
            .feedback(
                call.tenant(),
                user,
                Ids.checkOptional("context_id", body.contextId()),
                signal,
                body.value(),
                body.comment());
    call.auditTarget(f.id());
    call.json(201, EffectWire.feedback(f));
  }

  private String name(Call call) {
    return call.auditTarget(Ids.check("name", call.ctx().pathParam("name")));
  }

  private void listExperiments(Call call) {
    call.json(
        200,
        new EffectBodies.Experiments(
            attune.effects().experiments(call.tenant()).stream()
                .map(EffectWire::experiment)
                .toList()));
  }

  private void putExperiment(Call call) {
    String name = name(call);
    Experiment e = EffectWire.experiment(name, call.read(EffectBodies.Experiment.class));
    call.json(200, EffectWire.experiment(attune.effects().putExperiment(call.tenant(), e)));
  }

  private void getExperiment(Call call) {
    String name = name(call);
    call.json(
        200,
        EffectWire.experiment(
            attune
                .effects()
                .experiment(call.tenant(), name)
                .orElseThrow(() -> new NotFoundException("no experiment '" + name + "'"))));
  }

  private void deleteExperiment(Call call) {
    String name = name(call);
    if (!attune.effects().deleteExperiment(call.tenant(), name)) {
      throw new NotFoundException("no experiment '" + name + "'");
    }
    call.noContent();
  }

  private void results(Call call) {
    String name = name(call);
    Instant to = time(call, "to", clock.instant());
    Instant from = time(call, "from", to.minus(Duration.ofDays(14)));
    call.json(
        200, EffectWire.results(attune.effects().experimentResults(call.tenant(), name, from, to)));
  }

  private void effectiveness(Call call) {
    String g = call.query("granularity");
    EffectivenessSummary.Granularity granularity =
        g == null || g.equals("day")
            ? EffectivenessSummary.Granularity.DAY
            : g.equals("hour") ? EffectivenessSummary.Granularity.HOUR : badGranularity(g);
    // By default up to the end of the current hour (or day): the period now filling is shown.
    Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    Instant to = time(call, "to", end);
    Instant from =
        time(
            call,
            "from",
            granularity == EffectivenessSummary.Granularity.HOUR
                ? to.minus(Duration.ofHours(48))
                : to.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(29)));
    call.json(
        200,
        EffectWire.summary(
            call.tenant(),
            attune.effects().summary(call.tenant(), from, to, granularity),
            attune.effects().dropped(),
            LATENCY_TARGET_MS));
  }

  private static EffectivenessSummary.Granularity badGranularity(String g) {
    throw new InvalidRequestException(
        "granularity", "granularity must be hour or day; got '" + g.toLowerCase(Locale.ROOT) + "'");
  }

  private void users(Call call) {
    String query = call.query("query");
    int limit = call.intQuery("limit", 50, 1, Effects.MAX_USERS_PAGE);
    int offset = call.intQuery("offset", 0, 0, Integer.MAX_VALUE);
    call.json(
        200,
        new EffectBodies.UserPage(
            attune
                .effects()
                .users(call.tenant(), query == null ? "" : query.strip(), offset, limit)
                .stream()
                .map(
                    u ->
                        new EffectBodies.UserBody(
                            u.user().value(),
                            u.lastActive() == null ? null : u.lastActive().toString(),
                            u.since()))
                .toList(),
            offset,
            limit));
  }

  private void contexts(Call call) {
    UserId user = call.pathUser();
    call.json(
        200,
        new EffectBodies.ContextRecords(
            attune
                .effects()
                .contextRecords(call.tenant(), user, call.intQuery("limit", 20, 1, 200))
                .stream()
                .map(EffectWire::record)
                .toList()));
  }

  private void context(Call call) {
    UserId user = call.pathUser();
    String id = call.auditTarget(Ids.check("context_id", call.ctx().pathParam("context_id")));
    call.json(200, EffectWire.record(attune.effects().contextRecord(call.tenant(), user, id)));
  }

  private static Instant time(Call call, String field, Instant otherwise) {
    @Nullable Instant t = Wire.instant(field, call.query(field));
    return t == null ? otherwise : t;
  }
}
