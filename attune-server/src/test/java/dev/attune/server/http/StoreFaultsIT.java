package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.StoreException;
import dev.attune.core.testing.HashingEmbedder;
import dev.attune.store.jdbc.MasterKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store failing under a running service: PostgreSQL stopped and started under load, and a
 * SQLite disk that fills up or turns read-only. Requests get 503 with Retry-After, never a 500;
 * nothing acknowledged is lost; nothing is half-written; the service recovers by itself.
 */
class StoreFaultsIT {
  @TempDir Path dir;

  /** What a client saw: every status, and every acknowledged observation. */
  static final class Load implements AutoCloseable {
    final TestServer server;
    final String key;
    final AtomicBoolean stop = new AtomicBoolean();
    final List<String> bad = new CopyOnWriteArrayList<>();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    final AtomicInteger sequence = new AtomicInteger();
    final List<Thread> threads = new ArrayList<>();

    Load(TestServer server, String key, int threads) {
      this.server = server;
      this.key = key;
      for (int t = 0; t < threads; t++) {
        int thread = t;
        this.threads.add(Thread.ofPlatform().start(() -> run(thread)));
      }
    }

    void run(int thread) {
      while (!stop.get()) {
        String user = "u" + thread;
        int n = sequence.incrementAndGet();
        TestServer.Reply r =
            n % 2 == 0
                ? server.post(
                    "/v1/observe",
                    key,
                    "{\"user_id\":\""
                        + user
                        + "\",\"messages\":[{\"role\":\"user\",\"id\":\"m"
                        + n
                        + "\",\"content\":\"I collect stamps from country "
                        + n
                        + ".\"}]}")
                : server.post(
                    "/v1/context", key, "{\"user_id\":\"" + user + "\",\"query\":\"stamps?\"}");
        if (r.status() == 503) {
          unavailable.incrementAndGet();
          if (r.headers().firstValue("Retry-After").isEmpty()) {
            bad.add("503 without Retry-After: " + r.body());
          }
        } else if (r.status() == 200 || r.status() == 202) {
          succeeded.incrementAndGet();
          if (r.status() == 202) {
            acknowledged.put(r.json().get("observation_id").asText(), user);
          }
        } else {
          bad.add(r.status() + " " + r.body());
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
    }
  }

  static boolean learned(TestServer server, String key, String observation) {
    return "done"
        .equals(server.get("/v1/observations/" + observation, key).json().path("status").asText());
  }

  static void awaitLearned(TestServer server, String key, Iterable<String> observations) {
    for (String id : observations) {
      Awaitility.await("observation " + id + " learned")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> learned(server, key, id));
    }
  }

  // ---- PostgreSQL ----

  static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false) // a restart keeps the database
        .setPort(port)
        .start();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void postgresStoppedAndStartedUnderLoadAnswers503NeverA500AndRecoversByItself() throws Exception {
    Path data = dir.resolve("pg");
    int port = freePort();
    EmbeddedPostgres pg = startPostgres(data, port);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE ROLE attune LOGIN PASSWORD 'attune-test'");
      st.execute("CREATE DATABASE attune_faults OWNER attune");
    }
    String url =
        "jdbc:postgresql://localhost:" + port + "/attune_faults?user=attune&password=attune-test";
    Map<String, String> settings =
        Map.of("store", url, "master_key", MasterKey.generate().base64());
    try (TestServer node = new TestServer(settings, new HashingEmbedder());
        TestServer other = new TestServer(settings, new HashingEmbedder())) {
      String key = node.key("default", KeyRole.SERVICE);
      long recoveredMs;
      int unavailable;
      Load load = new Load(node, key, 3);
      try (load) {
        Thread.sleep(1_500);
        pg.close(); // fast shutdown: sessions ended, connections refused
        Thread.sleep(4_000);
        pg = startPostgres(data, port);
        long up = System.nanoTime();
        int before = load.succeeded.get();
        Awaitility.await("a request answered again after PostgreSQL came back")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> load.succeeded.get() != before);
        recoveredMs = (System.nanoTime() - up) / 1_000_000;
        Thread.sleep(1_500);
      }
      unavailable = load.unavailable.get();
      System.out.printf(
          "PostgreSQL stopped for 4 s under load: %d answered, %d unavailable (503), %d"
              + " acknowledged observations; served again %d ms after it was back%n",
          load.succeeded.get(), unavailable, load.acknowledged.size(), recoveredMs);

      assertThat(load.bad).as("no 500, no 503 without Retry-After").isEmpty();
      assertThat(unavailable).as("the outage was felt").isPositive();
      assertThat(recoveredMs).isLessThan(15_000);
      awaitLearned(node, key, load.acknowledged.keySet());
      for (String user : List.of("u0", "u1", "u2")) {
        JsonNode export = node.get("/v1/users/" + user + "/export", key).json();
        long messages = export.get("episodes").size();
        long acknowledged = load.acknowledged.values().stream().filter(user::equals).count();
        assertThat(messages).as("messages of %s", user).isGreaterThanOrEqualTo(acknowledged);
      }

      // The change feed reconnected: a memory added on the other node reaches this node's cache.
      assertThat(
              node.post("/v1/context", key, "{\"user_id\":\"u0\",\"query\":\"violin\"}").status())
          .isEqualTo(200);
      assertThat(
              other
                  .post(
                      "/v1/users/u0/memories",
                      other.key("default", KeyRole.SERVICE),
                      "{\"text\":\"User plays the violin.\",\"category\":\"fact\"}")
                  .status())
          .isEqualTo(201);
      Awaitility.await("the other node's memory in this node's context")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  node.post("/v1/context", key, "{\"user_id\":\"u0\",\"query\":\"violin\"}")
                      .json()
                      .path("context")
                      .asText(),
              c -> c.contains("User plays the violin."));
    } finally {
      pg.close();
    }
  }

  // ---- SQLite on a disk the test controls ----

  /** A small tmpfs mounted at {@code at}; the test is skipped where mounting is not allowed. */
  static void mount(Path at, String options) throws Exception {
    Files.createDirectories(at);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    Assumptions.assumeTrue(
        p.waitFor() == 0, "cannot mount a tmpfs here (needs root): " + out.strip());
  }

  static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  @Test
  void sqliteOnAFullDiskAnswers503WritesNothingHalfAndRecoversAndOnAReadOnlyOneSaysSo()
      throws Exception {
    Path disk = dir.resolve("disk");
    mount(disk, "size=8m");
    try {
      try (TestServer server =
          new TestServer(disk.resolve("data"), Map.of(), new HashingEmbedder())) {
        String key = server.key("default", KeyRole.SERVICE);
        String first =
            "{\"user_id\":\"ana\",\"messages\":[{\"role\":\"user\",\"id\":\"a1\",\"content\":\"I"
                + " live in Porto.\"}]}";
        assertThat(server.post("/v1/observe?wait=true", key, first).status()).isEqualTo(200);

        // Full: a file takes what space is left.
        Path filler = disk.resolve("filler");
        sh("sh", "-c", "dd if=/dev/zero of='" + filler + "' bs=64k 2>/dev/null; true");
        String second =
            "{\"user_id\":\"ana\",\"messages\":[{\"role\":\"user\",\"id\":\"a2\",\"content\":\"I"
                + " work as a nurse and I love long walks by the river "
                + "x".repeat(2_000)
                + ".\"}]}";
        List<TestServer.Reply> whileFull = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          whileFull.add(server.post("/v1/observe", key, second));
          whileFull.add(
              server.post("/v1/users/ana/memories", key, "{\"text\":\"x\",\"category\":\"fact\"}"));
          whileFull.add(
              server.post("/v1/context", key, "{\"user_id\":\"ana\",\"query\":\"home\"}"));
        }
        assertThat(whileFull).extracting(TestServer.Reply::status).doesNotContain(500);
        TestServer.Reply refused =
            whileFull.stream().filter(r -> r.status() == 503).findFirst().orElseThrow();
        assertThat(refused.errorCode()).isEqualTo("unavailable");
        assertThat(refused.json().path("error").path("message").asText()).contains("full");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        // Space returns: the same requests go through, without a restart.
        long freed = System.nanoTime();
        Files.delete(filler);
        TestServer.Reply accepted = server.post("/v1/observe", key, second);
        // Always 202 without wait, even when it is already learned (the filler leaves up to a
        // block free, so an earlier try may have got in while "full"), and learned below.
        assertThat(accepted.status()).isEqualTo(202);
        awaitLearned(server, key, List.of(accepted.json().get("observation_id").asText()));
        System.out.printf(
            "SQLite disk full: %d of %d requests answered 503 (%s), none 500; learning again %d ms"
                + " after space returned%n",
            whileFull.stream().filter(r -> r.status() == 503).count(),
            whileFull.size(),
            whileFull.stream().map(TestServer.Reply::status).toList(),
            (System.nanoTime() - freed) / 1_000_000);

        // Nothing half-written: every stored message is whole, the store checks clean.
        JsonNode export = server.get("/v1/users/ana/export", key).json();
        List<String> ids = new ArrayList<>();
        export.get("episodes").forEach(e -> ids.add(e.get("message_id").asText()));
        assertThat(ids).contains("a1", "a2").doesNotHaveDuplicates();
        assertThat(server.store.check().ok()).as(server.store.check().toString()).isTrue();
      }

      // Read-only (a disk remounted so, which Linux allows once no file is open for writing):
      // serve refuses to start on it and says why; writable again, it starts with everything.
      sh("mount", "-o", "remount,ro", disk.toString());
      assertThatThrownBy(
              () -> new TestServer(disk.resolve("data"), Map.of(), new HashingEmbedder()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("is not writable");
      sh("mount", "-o", "remount,rw", disk.toString());
      try (TestServer server =
          new TestServer(disk.resolve("data"), Map.of(), new HashingEmbedder())) {
        String key = server.key("default", KeyRole.SERVICE);
        JsonNode export = server.get("/v1/users/ana/export", key).json();
        assertThat(export.get("episodes")).hasSize(2);
        assertThat(server.store.check().ok()).isTrue();
      }
    } finally {
      new ProcessBuilder("umount", "-l", disk.toString()).start().waitFor();
    }
  }
}
