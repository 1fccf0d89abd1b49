package dev.attune.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import dev.attune.store.postgres.TestDatabase;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process killed with SIGKILL at random moments (seeded), again and again, while threads
 * observe, ask for context, add and edit memories and erase users; after each kill {@code ./attune
 * check} must pass, and at the end: every acknowledged message is stored exactly once and learned,
 * no erased user's data is back, every acknowledged memory edit is there. On SQLite and on
 * PostgreSQL. {@code -Dattune.crash.cycles=N} and {@code -Dattune.crash.seed=S} change the run:
 * {@code ./mvnw verify} kills each store 3 times (the loop stays fast), {@code .ci/run} 20 times.
 */
class CrashIT {
  static final int CYCLES = Integer.getInteger("attune.crash.cycles", 2);
  static final long SEED = Long.getLong("attune.crash.seed", 20_261_130L);
  static final int THREADS = 3;

  @TempDir Path dir;

  @Test
  void sqliteLosesNothingAcknowledgedAcrossKills() throws Exception {
    new Crashes(Map.of(), List.of("--data", dir.toString())).run();
  }

  @Test
  void postgresLosesNothingAcknowledgedAcrossKills() throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    // A stable node id, as docs/scaling.md says to give each node (a StatefulSet pod's name):
    // the restarted node takes back its own claims at once instead of waiting out their lease.
    Map<String, String> env =
        Map.of(
            "ATTUNE_MASTER_KEY",
            Base64.getEncoder().encodeToString(key),
            "ATTUNE_NODE_ID",
            "node-a");
    String url = TestDatabase.url(TestDatabase.newDatabase());
    new Crashes(env, List.of("--data", dir.toString(), "--store", url)).run();
  }

  /** What the service acknowledged, the truth the store is held to. */
  static final class Ledger {
    /** Observation id -> user, for each 202. */
    final Map<String, String> observations = new ConcurrentHashMap<>();

    /** User -> message ids of acknowledged observations. */
    final Map<String, Set<String>> messages = new ConcurrentHashMap<>();

    /** User -> memory id -> its text as last acknowledged. */
    final Map<String, Map<String, String>> memories = new ConcurrentHashMap<>();

    /** Memory ids whose last edit was sent but not answered: either text may be there. */
    final Map<String, Set<String>> inDoubt = new ConcurrentHashMap<>();

    /** Users whose erasure was acknowledged. */
    final Set<String> erased = ConcurrentHashMap.newKeySet();

    /** Users whose erasure was sent but not answered: all of them or none may be there. */
    final Set<String> erasing = ConcurrentHashMap.newKeySet();

    /** Answers that must never happen (a 500, an unexpected status), with their request. */
    final List<String> bad = new CopyOnWriteArrayList<>();
  }

  static final class Crashes {
    final Map<String, String> env;
    final List<String> storeArgs;
    final Ledger ledger = new Ledger();
    final Set<String> learned = new HashSet<>();
    String admin;

    Crashes(Map<String, String> env, List<String> storeArgs) {
      this.env = env;
      this.storeArgs = storeArgs;
    }

    ServeProcess start() throws Exception {
      return ServeProcess.start(env, storeArgs.toArray(String[]::new));
    }

    void check(String when) throws Exception {
      List<String> args = new ArrayList<>(List.of("check"));
      args.addAll(storeArgs);
      ServeProcess.Done check = ServeProcess.run(env, args.toArray(String[]::new));
      assertThat(check.code()).as("./attune check " + when + ":\n" + check.output()).isZero();
    }

    void run() throws Exception {
      Random random = new Random(SEED);
      List<Long> resumedMs = new ArrayList<>();
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        ServeProcess serve = start();
        if (admin == null) {
          admin = serve.adminKey();
        }
        if (cycle > 0) {
          resumedMs.add(resumeMillis(serve));
        }
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          Worker w = new Worker(serve, cycle, t, new Random(random.nextLong()));
          workers.add(Thread.ofPlatform().name("crash-worker-" + t).start(w));
        }
        Thread.sleep(300 + random.nextInt(2_200));
        serve.kill();
        for (Thread w : workers) {
          w.join(60_000);
        }
        check("after kill " + (cycle + 1));
      }

      ServeProcess serve = start();
      try {
        resumedMs.add(resumeMillis(serve));
        verify(serve);
      } finally {
        serve.stop();
      }
      check("at the end");
      System.out.printf(
          "crash test (%s): %d kills, %d observations and %d messages acknowledged, %d memories"
              + " edited, %d users erased; learning resumed after restart in %s ms%n",
          storeArgs.contains("--store") ? "PostgreSQL" : "SQLite",
          CYCLES,
          ledger.observations.size(),
          ledger.messages.values().stream().mapToInt(Set::size).sum(),
          ledger.memories.values().stream().mapToInt(Map::size).sum(),
          ledger.erased.size(),
          resumedMs);
      assertThat(ledger.bad).isEmpty();
      assertThat(resumedMs).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(5_000));
    }

    /**
     * After a restart: how long until the queue moves again (the first acknowledged observation
     * still unfinished at the kill is learned); 0 when none was waiting.
     */
    long resumeMillis(ServeProcess serve) throws Exception {
      long started = System.nanoTime();
      List<String> waiting = new ArrayList<>();
      for (String id : ledger.observations.keySet()) {
        if (!gone(ledger.observations.get(id)) && !done(serve, id)) {
          waiting.add(id);
        }
      }
      if (waiting.isEmpty()) {
        return 0;
      }
      while (System.nanoTime() - started < 30_000_000_000L) {
        for (String id : waiting) {
          if (done(serve, id)) {
            return (System.nanoTime() - started) / 1_000_000;
          }
        }
        Thread.sleep(20);
      }
      return Long.MAX_VALUE;
    }

    /** Erased, or maybe erased: what the user had is not expected back. */
    boolean gone(String user) {
      return ledger.erased.contains(user) || ledger.erasing.contains(user);
    }

    boolean done(ServeProcess serve, String observation) throws Exception {
      if (learned.contains(observation)) {
        return true; // learned in an earlier cycle: stays so (verify asks again)
      }
      HttpResponse<String> r = serve.send("GET", "/v1/observations/" + observation, admin, null);
      boolean done =
          r.statusCode() == 200
              && "done".equals(Json.MAPPER.readTree(r.body()).path("status").asText());
      if (done) {
        learned.add(observation);
      }
      return done;
    }

    void verify(ServeProcess serve) throws Exception {
      learned.clear(); // at the end, every observation is asked again
      // Every acknowledged observation of a user still there is learned, each once.
      for (Map.Entry<String, String> o : ledger.observations.entrySet()) {
        if (gone(o.getValue())) {
          continue;
        }
        long waited = System.nanoTime();
        while (!done(serve, o.getKey()) && System.nanoTime() - waited < 60_000_000_000L) {
          Thread.sleep(50);
        }
        assertThat(done(serve, o.getKey())).as("observation %s learned", o.getKey()).isTrue();
      }
      Set<String> users = new HashSet<>(ledger.messages.keySet());
      users.addAll(ledger.memories.keySet());
      users.removeIf(this::gone);
      for (String user : users) {
        JsonNode export =
            Json.MAPPER.readTree(
                serve.send("GET", "/v1/users/" + user + "/export", admin, null).body());
        Map<String, Integer> stored = new HashMap<>();
        export
            .get("episodes")
            .forEach(e -> stored.merge(e.get("message_id").asText(), 1, Integer::sum));
        for (String id : ledger.messages.getOrDefault(user, Set.of())) {
          assertThat(stored.get(id)).as("message %s of %s stored once", id, user).isEqualTo(1);
        }
        assertThat(stored.values()).as("no message of %s stored twice", user).allMatch(n -> n == 1);

        Map<String, String> memoryText = new HashMap<>();
        List<String> activeTexts = new ArrayList<>();
        for (JsonNode m : export.get("memories")) {
          memoryText.put(m.get("id").asText(), m.get("text").asText());
          if (m.get("status").asText().equals("active")) {
            activeTexts.add(m.get("text").asText());
          }
        }
        assertThat(activeTexts).as("no memory of %s twice", user).doesNotHaveDuplicates();
        for (Map.Entry<String, String> m :
            ledger.memories.getOrDefault(user, Map.of()).entrySet()) {
          Set<String> allowed = new HashSet<>(ledger.inDoubt.getOrDefault(m.getKey(), Set.of()));
          allowed.add(m.getValue());
          assertThat(memoryText.get(m.getKey()))
              .as("memory %s of %s as acknowledged", m.getKey(), user)
              .isIn(allowed);
        }
      }
      // No erased user's data is back.
      for (String user : ledger.erased) {
        HttpResponse<String> r = serve.send("GET", "/v1/users/" + user + "/export", admin, null);
        if (r.statusCode() == 404) {
          continue;
        }
        JsonNode export = Json.MAPPER.readTree(r.body());
        assertThat(export.get("episodes")).as("messages of erased %s", user).isEmpty();
        assertThat(export.get("memories")).as("memories of erased %s", user).isEmpty();
        assertThat(export.get("profile").isNull()).as("profile of erased %s", user).isTrue();
      }
    }

    /** One client thread: its own users, so that its edits are ordered. */
    final class Worker implements Runnable {
      final ServeProcess serve;
      final int cycle;
      final int thread;
      final Random random;
      int n;

      Worker(ServeProcess serve, int cycle, int thread, Random random) {
        this.serve = serve;
        this.cycle = cycle;
        this.thread = thread;
        this.random = random;
      }

      String keptUser() {
        return "kept-" + thread + "-" + random.nextInt(2);
      }

      @Override
      public void run() {
        try {
          while (true) {
            int r = random.nextInt(100);
            if (r < 45) {
              observe(keptUser());
            } else if (r < 75) {
              expect(
                  "POST",
                  "/v1/context",
                  "{\"user_id\":\"" + keptUser() + "\",\"query\":\"what do I like?\"}",
                  200);
            } else if (r < 87) {
              addMemory(keptUser());
            } else if (r < 95) {
              editMemory(keptUser());
            } else {
              String user = "erased-" + cycle + "-" + thread + "-" + n++;
              observe(user);
              ledger.erasing.add(user);
              if (expect("DELETE", "/v1/users/" + user, null, 204) != null) {
                ledger.erased.add(user);
                ledger.erasing.remove(user);
              }
            }
          }
        } catch (IOException | InterruptedException killed) {
          // The process was killed under this request: its outcome is unknown, and stays so.
        }
      }

      void observe(String user) throws IOException, InterruptedException {
        String id = "m-" + cycle + "-" + thread + "-" + n++;
        String body =
            "{\"user_id\":\""
                + user
                + "\",\"session_id\":\"s-"
                + cycle
                + "\",\"messages\":[{\"role\":\"user\",\"id\":\""
                + id
                + "-u\",\"content\":\"I really enjoy "
                + THINGS[random.nextInt(THINGS.length)]
                + " on "
                + DAYS[random.nextInt(DAYS.length)]
                + ".\"},{\"role\":\"assistant\",\"id\":\""
                + id
                + "-a\",\"content\":\"Noted, that sounds fun.\"}]}";
        JsonNode accepted = expect("POST", "/v1/observe", body, 202);
        if (accepted != null) {
          ledger.observations.put(accepted.get("observation_id").asText(), user);
          ledger
              .messages
              .computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet())
              .addAll(List.of(id + "-u", id + "-a"));
        }
      }

      void addMemory(String user) throws IOException, InterruptedException {
        String text =
            "User keeps a "
                + THINGS[random.nextInt(THINGS.length)]
                + " journal, page "
                + cycle
                + "-"
                + thread
                + "-"
                + n++
                + ".";
        JsonNode m =
            expect(
                "POST",
                "/v1/users/" + user + "/memories",
                "{\"text\":\"" + text + "\",\"category\":\"fact\"}",
                201);
        if (m != null) {
          ledger
              .memories
              .computeIfAbsent(user, u -> new ConcurrentHashMap<>())
              .put(m.get("id").asText(), m.get("text").asText());
        }
      }

      void editMemory(String user) throws IOException, InterruptedException {
        Map<String, String> mine = ledger.memories.get(user);
        if (mine == null || mine.isEmpty()) {
          addMemory(user);
          return;
        }
        List<String> ids = new ArrayList<>(mine.keySet());
        String id = ids.get(random.nextInt(ids.size()));
        String text = "User's journal page " + cycle + "-" + thread + "-" + n++ + " is edited.";
        // Sent but unanswered, the edit may or may not have landed.
        ledger.inDoubt.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(text);
        JsonNode m =
            expect(
                "PATCH",
                "/v1/users/" + user + "/memories/" + id,
                "{\"text\":\"" + text + "\"}",
                200);
        if (m != null) {
          ledger.inDoubt.remove(id);
          mine.put(m.get("id").asText(), m.get("text").asText());
        }
      }

      /** The answer's body when it has the expected status; anything else is recorded as bad. */
      JsonNode expect(String method, String path, String body, int status)
          throws IOException, InterruptedException {
        HttpResponse<String> r = serve.send(method, path, admin, body);
        if (r.statusCode() == status) {
          return r.body().isEmpty()
              ? Json.MAPPER.createObjectNode()
              : Json.MAPPER.readTree(r.body());
        }
        ledger.bad.add(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return null;
      }
    }
  }

  static final String[] THINGS = {
    "hiking", "chess", "baking", "jazz", "cycling", "pottery", "sailing", "sketching", "running"
  };
  static final String[] DAYS = {"Mondays", "weekends", "holidays", "rainy days", "evenings"};
}
