package dev.attune.server.cli;

import dev.attune.core.Attune;
import dev.attune.core.api.ContextItem;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.effectiveness.Experiment;
import dev.attune.core.effectiveness.Feedback;
import dev.attune.core.effectiveness.Metric;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Memory;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.MemoryQuery;
import dev.attune.server.ServerConfig;
import dev.attune.server.Stores;
import dev.attune.server.http.Keys;
import dev.attune.store.jdbc.JdbcStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code attune simulate}: fills a data directory with a tenant that has been running Attune for a
 * while: users who state preferences, ask, get replies that use (or ignore) their packs, give
 * feedback, now and then correct Attune, and a holdout experiment in which personalization helps by
 * a known amount. Made for a newcomer opening the dashboard; the traffic is synthetic and says so.
 */
@Command(
    name = "simulate",
    description = {
      "Fill a data directory with a tenant's synthetic traffic over past days (users, an experiment,"
          + " replies, feedback, corrections), then print an admin key to open /dashboard with.",
      "Run `attune serve --data DIR` afterwards and open http://localhost:8080/dashboard."
    })
final class SimulateCommand implements Callable<Integer> {
  @Mixin StoreOptions data;

  @Spec CommandSpec spec;

  @Option(
      names = "--tenant",
      paramLabel = "T",
      defaultValue = "demo",
      description = "Tenant (default 'demo').")
  String tenant;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "120",
      description = "Users (default 120).")
  int users;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "14",
      description = "Days of traffic, ending now (default 14).")
  int days;

  @Option(names = "--seed", defaultValue = "7", description = "Random seed (default 7).")
  long seed;

  /**
   * One thing a user may say about themselves, a request it matters for, and a reply that uses it.
   */
  record Trait(String statement, String request, String usingReply, String correction) {}

  static final List<Trait> TRAITS =
      List.of(
          new Trait(
              "I'm vegetarian.",
              "What should I cook for dinner tonight?",
              "A vegetarian chickpea curry: no meat, ready in 25 minutes.",
              "No, I'm not vegetarian any more."),
          new Trait(
              "I live in Lisbon.",
              "Where could I go for a walk this weekend?",
              "In Lisbon, the riverside walk from Belem to Cais do Sodre is lovely on a weekend.",
              "That's wrong, I live in Porto now."),
          new Trait(
              "I prefer short answers.",
              "Explain what a hash map is.",
              "Short answer: a hash map finds a value by its key in constant time.",
              "Actually, I like detailed answers."),
          new Trait(
              "I'm allergic to peanuts.",
              "Suggest a snack for a long hike.",
              "Pack dried fruit and oat bars; I left out peanuts because of your allergy.",
              "No, that was my brother: I'm not allergic to peanuts."),
          new Trait(
              "I work as a nurse.",
              "How can I sleep better?",
              "As a nurse on shifts, keep the room dark and sleep at the same time after each"
                  + " shift.",
              "I'm not a nurse any more."),
          new Trait(
              "I have two cats.",
              "Which plants are safe to keep at home?",
              "With two cats at home, choose spider plants and Boston ferns: they are safe for"
                  + " cats.",
              "No, I don't have cats anymore."),
          new Trait(
              "I'm learning Japanese.",
              "Recommend a podcast for my commute.",
              "Try a beginner Japanese podcast: short episodes that fit a commute.",
              "Actually, I stopped learning Japanese."));

  /** Message ids: new ones each run, so that running it again adds days of traffic. */
  private static final java.util.concurrent.atomic.AtomicLong SEQUENCE =
      new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis() * 1000);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ServerConfig cfg = data.config();
    Random random = new Random(seed);
    TenantId t = TenantId.of(tenant);
    OrgId org = OrgId.of("acme");
    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
    Instant[] now = {end.minus(Duration.ofDays(days))};
    InstantSource clock = () -> now[0];
    // Opened as serve opens it, so that serve can open it after (a new store gets its key file).
    JdbcStore store =
        Stores.open(cfg, Stores.Keys.CREATE_FOR_NEW_STORE, new PrintWriter(System.err, true));
    String secret =
        new Keys(store, InstantSource.system())
            .create(t, KeyRole.ADMIN, "simulate: dashboard", null, null)
            .secret();
    int contexts = 0;
    List<String> recentlyActive;
    try (Attune attune =
        Attune.builder().store(store).clock(clock).retentionSweepEvery(Duration.ZERO).build()) {
      attune.putOrg(
          t,
          org,
          new OrgProfile(
              "Acme Assistant",
              "consumer apps",
              Map.of(),
              List.of("Never give medical diagnoses; suggest seeing a professional."),
              List.of("friendly")));
      if (attune.effects().experiment(t, "holdout").isEmpty()) {
        attune.effects().experiments(t).stream()
            .filter(Experiment::active)
            .forEach(e -> attune.effects().putExperiment(t, e.withActive(false)));
        attune
            .effects()
            .putExperiment(
                t,
                new Experiment(
                    "holdout",
                    List.of(
                        new Experiment.Arm("generic", 0.2, false, null),
                        new Experiment.Arm("personalized", 0.8, true, null)),
                    true,
                    Metric.TASK_COMPLETION));
      }
      List<List<Trait>> traits = new ArrayList<>();
      for (int u = 0; u < users; u++) {
        List<Trait> mine = new ArrayList<>(TRAITS);
        java.util.Collections.shuffle(mine, random);
        traits.add(mine.subList(0, 3));
      }
      for (int d = 0; d < days; d++) {
        for (int u = 0; u < users; u++) {
          // About half the users come back on a given day; everyone on their first.
          if (d > 0 && random.nextDouble() < 0.5) {
            continue;
          }
          now[0] = end.minus(Duration.ofDays(days - d)).plus(Duration.ofMinutes(9 * 60 + u));
          contexts +=
              day(
                  attune,
                  t,
                  org,
                  UserId.of(String.format("user-%03d", u)),
                  traits.get(u),
                  d,
                  random,
                  now);
        }
        now[0] = end.minus(Duration.ofDays(days - d - 1)).minusSeconds(1);
        attune.effects().recordStorage(t);
      }
      attune.effects().flush();
      recentlyActive =
          attune.effects().users(t, "", 0, Math.min(5, Math.max(1, users))).stream()
              .map(u -> u.user().value())
              .toList();
    }
    out.printf(
        "simulated %d users over %d days in tenant '%s': %d contexts served; experiment"
            + " 'holdout' (20%% without personalization)%n",
        users, days, tenant, contexts);
    out.println(
        "users to look up in the dashboard's Users tab: " + String.join(", ", recentlyActive));
    out.println("admin key for the dashboard (shown only now):");
    out.println(secret);
    out.println("next: ./attune serve --data " + cfg.dataDir() + " and open /dashboard");
    return 0;
  }

  /** One user's session on one day; returns the contexts served. */
  private static int day(
      Attune attune,
      TenantId t,
      OrgId org,
      UserId user,
      List<Trait> traits,
      int day,
      Random random,
      Instant[] now) {
    String session = "day" + day;
    List<Message> messages = new ArrayList<>();
    if (day == 0 || random.nextDouble() < 0.15) {
      // What the user tells the assistant about themselves, in passing.
      for (Trait trait : traits) {
        messages.add(
            message(Role.USER, trait.statement() + " Just so you know.", user, session, messages));
      }
      messages.add(message(Role.ASSISTANT, "Thanks, noted.", user, session, messages));
      observe(attune, t, org, user, session, messages);
      messages.clear();
    }
    int served = 0;
    int turns = 1 + random.nextInt(3);
    for (int turn = 0; turn < turns; turn++) {
      now[0] = now[0].plusSeconds(90);
      Trait trait = traits.get(random.nextInt(traits.size()));
      ContextPack pack =
          attune.context(
              ContextRequest.builder(t, user)
                  .query(trait.request())
                  .sessionId(session)
                  .maxTokens(400)
                  .build());
      served++;
      boolean personalized =
          pack.experiment() == null || !pack.experiment().arm().equals("generic");
      boolean knows = pack.items().map(ContextItem::text).anyMatch(x -> overlaps(x, trait));
      String reply =
          knows && random.nextDouble() < 0.85
              ? trait.usingReply()
              : "Here are a few general ideas you could try.";
      messages.add(message(Role.USER, trait.request(), user, session, messages));
      messages.add(
          new Message(
              Role.ASSISTANT,
              reply,
              "sim-" + SEQUENCE.incrementAndGet(),
              now[0],
              null,
              pack.contextId()));
      observe(attune, t, org, user, session, messages);
      messages.clear();
      // The known effect: personalized answers complete the task more often (0.68 against 0.55).
      double completes = personalized ? 0.68 : 0.55;
      attune
          .effects()
          .feedback(
              t,
              user,
              pack.contextId(),
              random.nextDouble() < completes
                  ? Feedback.Signal.TASK_COMPLETED
                  : Feedback.Signal.TASK_ABANDONED,
              null,
              null);
      if (random.nextDouble() < 0.35) {
        boolean up = random.nextDouble() < (personalized ? 0.75 : 0.62);
        attune
            .effects()
            .feedback(
                t,
                user,
                pack.contextId(),
                up ? Feedback.Signal.THUMBS_UP : Feedback.Signal.THUMBS_DOWN,
                null,
                null);
      }
      if (random.nextDouble() < 0.15) {
        attune
            .effects()
            .feedback(
                t,
                user,
                pack.contextId(),
                Feedback.Signal.RATING,
                (double) (3 + random.nextInt(3)),
                null);
      }
      if (knows && random.nextDouble() < 0.03) {
        now[0] = now[0].plusSeconds(30);
        messages.add(message(Role.USER, trait.correction(), user, session, messages));
        observe(attune, t, org, user, session, messages);
        messages.clear();
      } else if (random.nextDouble() < 0.01) {
        // The application lets users delete what Attune learned.
        List<Memory> active = attune.memories(t, user, MemoryQuery.active());
        if (!active.isEmpty()) {
          attune.deleteMemory(t, user, active.get(random.nextInt(active.size())).id(), "simulate");
        }
      }
    }
    return served;
  }

  private static boolean overlaps(String itemText, Trait trait) {
    String statement = trait.statement().toLowerCase(java.util.Locale.ROOT);
    for (String word : itemText.toLowerCase(java.util.Locale.ROOT).split("\\W+")) {
      if (word.length() > 4 && statement.contains(word)) {
        return true;
      }
    }
    return false;
  }

  private static Message message(
      Role role, String text, UserId user, String session, List<Message> sofar) {
    return new Message(role, text, "sim-" + SEQUENCE.incrementAndGet(), null, null);
  }

  private static void observe(
      Attune attune, TenantId t, OrgId org, UserId user, String session, List<Message> messages) {
    attune.observe(
        ObserveRequest.builder(t, user)
            .org(org)
            .sessionId(session)
            .messages(List.copyOf(messages))
            .actor("simulate")
            .build());
  }
}
