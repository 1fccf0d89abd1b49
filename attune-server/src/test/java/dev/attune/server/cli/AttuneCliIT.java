package dev.attune.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.api.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: real SQLite store, real local embedding model. */
class AttuneCliIT {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  Run attune(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data";
    all[args.length + 1] = dir.resolve("data").toString();
    int code = AttuneCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  Path file(String name, String json) throws Exception {
    return Files.writeString(dir.resolve(name), json);
  }

  @Test
  void observeThenContextThenForget() throws Exception {
    Path messages =
        file(
            "m.json",
            """
            {"session_id": "s1", "messages": [
              {"role": "user", "content": "I live in Lisbon and I love surfing.", "id": "m1", "timestamp": "2025-05-01T10:00:00Z"},
              {"role": "assistant", "content": "Lisbon has great waves!", "id": "m2"}
            ]}
            """);
    Run observed = attune("observe", "--user", "ana", "--file", messages.toString());
    assertThat(observed.code()).isZero();
    assertThat(observed.out()).contains("stored 2 message(s)").contains("+ User lives in Lisbon.");

    Run context =
        attune(
            "context",
            "--user",
            "ana",
            "--query",
            "where can I surf nearby?",
            "--max-tokens",
            "300");
    assertThat(context.code()).isZero();
    assertThat(context.out()).startsWith("## User Context").contains("\"User lives in Lisbon.\"");

    Run json =
        attune("context", "--user", "ana", "--query", "surfing", "--max-tokens", "200", "--json");
    JsonNode pack = Json.MAPPER.readTree(json.out());
    assertThat(pack.get("tokens").asInt()).isPositive().isLessThanOrEqualTo(200);
    assertThat(pack.get("budget").asInt()).isEqualTo(200);
    assertThat(pack.get("degraded").asBoolean()).isFalse();
    JsonNode item = pack.get("blocks").get(0).get("items").get(0);
    assertThat(item.has("kind")).isTrue();
    assertThat(item.get("sources").get(0).has("message_id")).isTrue();

    Run again = attune("observe", "--user", "ana", "--file", messages.toString());
    assertThat(again.out()).contains("stored 0 message(s) (2 already stored)");

    assertThat(attune("memories", "--user", "ana").out()).contains("User lives in Lisbon.");
    assertThat(attune("forget", "--user", "ana").out()).isEqualTo("forgot user ana\n");
    assertThat(attune("memories", "--user", "ana").out()).isEqualTo("no memories for user ana\n");
    assertThat(attune("context", "--user", "ana", "--query", "surf").out()).isEmpty();
  }

  @Test
  void checkPassesOnAHealthyStoreAndNamesWhatIsWrongInADamagedOne() throws Exception {
    assertThat(attune("check").code()).isEqualTo(2); // no store yet: said, not created
    assertThat(Files.exists(dir.resolve("data"))).isFalse();

    Path messages =
        file(
            "m.json",
            """
            {"messages": [{"role": "user", "content": "I live in Lisbon.", "id": "m1"}]}
            """);
    assertThat(attune("observe", "--user", "ana", "--file", messages.toString()).code()).isZero();
    assertThat(attune("observe", "--user", "bob", "--file", messages.toString()).code()).isZero();
    Run healthy = attune("check");
    assertThat(healthy.code()).as(healthy.out()).isZero();
    assertThat(healthy.out())
        .contains("database integrity")
        .contains("data keys                    ok (2 examined)")
        .contains("The store is consistent.");

    // Damage it as a crash or a bad copy could: a sealed value altered, a user row lost, a
    // finished observation still holding its messages.
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve("data").resolve("attune.db"));
        java.sql.Statement st = c.createStatement()) {
      st.executeUpdate(
          "UPDATE memories SET text = substr(text, 1, length(text) - 4) || 'AAA=' WHERE user_id ="
              + " 'ana'");
      st.executeUpdate("DELETE FROM users WHERE user_id = 'bob'");
    }
    Run damaged = attune("check");
    assertThat(damaged.code()).isEqualTo(1);
    assertThat(damaged.out())
        .contains("memories.text of default/ana: does not open")
        .contains("rows of default/bob, who has no user row")
        .contains("The store is NOT consistent");
  }

  @Test
  void malformedFilesAreRefusedWithTheLineOrFieldAndNothingIsWritten() throws Exception {
    Path broken =
        file(
            "broken.json",
            "{\"messages\": [\n  {\"role\": \"user\", \"content\": \"I live in Oslo\"},\n  {\"role\": \"user\" \"content\": \"oops\"}\n]}");
    Run r = attune("observe", "--user", "ola", "--file", broken.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: file " + broken + " is not valid JSON (line 3, column");

    Run unknown =
        attune(
            "observe",
            "--user",
            "ola",
            "--file",
            file(
                    "u.json",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"colour\": \"red\"}]}")
                .toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown field 'messages[0].colour'");

    Run missing =
        attune(
            "observe",
            "--user",
            "ola",
            "--file",
            file("c.json", "{\"messages\": [{\"role\": \"user\"}]}").toString());
    assertThat(missing.err()).isEqualTo("error: messages[0].content is required\n");

    Run badRole =
        attune(
            "observe",
            "--user",
            "ola",
            "--file",
            file("r.json", "{\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}")
                .toString());
    assertThat(badRole.err())
        .isEqualTo(
            "error: messages[0].role must be one of user, assistant, system, tool; got 'robot'\n");

    Run badTime =
        attune(
            "observe",
            "--user",
            "ola",
            "--file",
            file(
                    "t.json",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"timestamp\": \"yesterday\"}]}")
                .toString());
    assertThat(badTime.err()).contains("messages[0].timestamp must be an ISO-8601 time");

    Run wrongType =
        attune(
            "observe",
            "--user",
            "ola",
            "--file",
            file("w.json", "{\"messages\": [{\"role\": \"user\", \"content\": 42}]}").toString());
    assertThat(wrongType.code()).isEqualTo(2);
    assertThat(wrongType.err()).contains("messages[0].content must be a string");

    Run tooLong =
        attune(
            "observe",
            "--user",
            "ola",
            "--file",
            file(
                    "l.json",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"I live in Oslo\"}, {\"role\": \"user\", \"content\": \""
                        + "x".repeat(32_001)
                        + "\"}]}")
                .toString());
    assertThat(tooLong.err())
        .isEqualTo("error: messages[1].content is 32001 characters; at most 32000\n");

    assertThat(
            attune("observe", "--user", "ola", "--file", dir.resolve("nope.json").toString()).err())
        .contains("does not exist");
    assertThat(attune("memories", "--user", "ola").out()).isEqualTo("no memories for user ola\n");
  }

  @Test
  void budgetsOutOfRangeAreRefused() {
    Run zero = attune("context", "--user", "x", "--query", "q", "--max-tokens", "0");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.err()).isEqualTo("error: max_tokens must be within 1..1000000; got 0\n");
    assertThat(attune("context", "--user", "x", "--max-tokens", "2000000").err())
        .isEqualTo("error: max_tokens must be within 1..1000000; got 2000000\n");
  }

  @Test
  void anUnknownUserGetsAnEmptyContext() {
    Run r = attune("context", "--user", "stranger", "--query", "anything");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("(0 of 1000 tokens)");
  }

  @Test
  void keysAreCreatedListedAndRevokedFromTheCommandLine() {
    Run created =
        attune("keys", "create", "--tenant", "acme", "--role", "service", "--label", "backend");
    assertThat(created.code()).isZero();
    String secret = created.out().strip();
    assertThat(secret).startsWith("atn_key_");
    String id = secret.substring(4, secret.indexOf('_', 8));
    assertThat(attune("keys", "list", "--tenant", "acme").out())
        .contains(id)
        .contains("service")
        .contains("backend")
        .doesNotContain(secret);
    assertThat(attune("keys", "revoke", id).out()).isEqualTo("revoked " + id + "\n");
    assertThat(attune("keys", "list", "--tenant", "acme").out()).contains("revoked");
    Run again = attune("keys", "revoke", id);
    assertThat(again.code()).isEqualTo(3);
    assertThat(attune("keys", "create", "--tenant", "acme", "--role", "root").err())
        .isEqualTo("error: --role must be admin or service; got 'root'\n");
  }

  @Test
  void theDemoShowsContextForItsSampleConversation() {
    StringWriter out = new StringWriter();
    int code =
        AttuneCli.run(
            new String[] {"demo"},
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true));
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("~ superseded: Maya lives in Lisbon.")
        .contains("## User Context")
        .contains(
            "### Compliance (organization rules; they override conflicting user preferences)");
  }
}
