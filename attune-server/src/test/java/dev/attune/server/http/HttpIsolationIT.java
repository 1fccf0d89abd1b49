package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attune.core.model.KeyRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Two tenants, three users each (with the same user ids in both), every endpoint called in seeded
 * random order with every key: admin, service and user tokens of both tenants. Every stored text
 * carries its owner's mark; no response may carry another tenant's mark, and no user-scoped
 * response another user's. Ids taken from one tenant are tried in the other: always 404 or 403.
 */
class HttpIsolationIT {
  static TestServer server;
  static final Pattern USER_MARK = Pattern.compile("MK([a-z0-9]+)X([a-z0-9]+)MK");
  static final Pattern ORG_MARK = Pattern.compile("MKORG([a-z0-9]+)MK");
  static final String[] USERS = {"u0", "u1", "u2"};

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Caller(String tenant, KeyRole role, String user, String key) {}

  static String mark(String tenant, String user) {
    return "MK" + tenant + "X" + user + "MK";
  }

  @RepeatedTest(4)
  void noResponseEverCarriesAnotherTenantsOrUsersData(RepetitionInfo repetition) {
    long seed = System.nanoTime() ^ repetition.getCurrentRepetition();
    Random r = new Random(seed);
    String[] tenants = {
      "ta" + repetition.getCurrentRepetition() + "r" + (seed & 0xffff),
      "tb" + repetition.getCurrentRepetition() + "r" + (seed & 0xffff)
    };
    List<Caller> callers = new ArrayList<>();
    for (String t : tenants) {
      callers.add(new Caller(t, KeyRole.ADMIN, null, server.key(t, KeyRole.ADMIN)));
      callers.add(new Caller(t, KeyRole.SERVICE, null, server.key(t, KeyRole.SERVICE)));
      for (String u : USERS) {
        callers.add(new Caller(t, KeyRole.USER, u, server.userToken(t, u, Duration.ofMinutes(10))));
      }
    }
    List<String> memoryIds = new ArrayList<>();
    List<String> observationIds = new ArrayList<>();

    for (int step = 0; step < 120; step++) {
      Caller c = callers.get(r.nextInt(callers.size()));
      String user = USERS[r.nextInt(USERS.length)];
      String m = mark(c.tenant(), user);
      String path;
      TestServer.Reply reply;
      int op = r.nextInt(14);
      switch (op) {
        case 0 -> {
          path = "/v1/observe?wait=true";
          reply =
              server.post(
                  path,
                  c.key(),
                  "{\"user_id\":\""
                      + user
                      + "\",\"session_id\":\"s"
                      + r.nextInt(2)
                      + "\",\"messages\":[{\"role\":\"user\",\"content\":\"I live in "
                      + m
                      + " and I love "
                      + m
                      + " music.\"}]}");
          if (reply.status() == 200) {
            observationIds.add(reply.json().get("observation_id").asText());
          }
        }
        case 1 -> {
          path = "/v1/users/" + user + "/memories";
          reply =
              server.post(
                  path, c.key(), "{\"text\":\"Note about " + m + "\",\"category\":\"fact\"}");
          if (reply.status() == 201) {
            memoryIds.add(reply.json().get("id").asText());
          }
        }
        case 2 -> {
          path = "/v1/users/" + user + "/profile";
          reply = server.send("PUT", path, c.key(), "{\"name\":\"" + m + "\",\"org_id\":\"org1\"}");
        }
        case 3 -> {
          path = "/v1/context";
          reply =
              server.post(
                  path,
                  c.key(),
                  "{\"user_id\":\""
                      + user
                      + "\",\"query\":\"music "
                      + m
                      + "\",\"max_tokens\":"
                      + (50 + r.nextInt(2000))
                      + ",\"timeout_ms\":10000}");
        }
        case 4 -> {
          path = "/v1/users/" + user + "/memories?status=all";
          reply = server.get(path, c.key());
        }
        case 5 -> {
          String id = memoryIds.isEmpty() ? "mem_x" : memoryIds.get(r.nextInt(memoryIds.size()));
          path = "/v1/users/" + user + "/memories/" + id;
          reply = server.get(path, c.key());
        }
        case 6 -> {
          String id = memoryIds.isEmpty() ? "mem_x" : memoryIds.get(r.nextInt(memoryIds.size()));
          path = "/v1/users/" + user + "/memories/" + id + "/history";
          reply = server.get(path, c.key());
        }
        case 7 -> {
          path = "/v1/users/" + user + "/export";
          reply = server.get(path, c.key());
        }
        case 8 -> {
          String id = memoryIds.isEmpty() ? "mem_x" : memoryIds.get(r.nextInt(memoryIds.size()));
          path = "/v1/users/" + user + "/memories/" + id;
          reply =
              r.nextBoolean()
                  ? server.send("PATCH", path, c.key(), "{\"text\":\"Edited " + m + "\"}")
                  : server.send("DELETE", path, c.key(), null);
        }
        case 9 -> {
          String id =
              observationIds.isEmpty()
                  ? "obs_x"
                  : observationIds.get(r.nextInt(observationIds.size()));
          path = "/v1/observations/" + id;
          reply = server.get(path, c.key());
        }
        case 10 -> {
          path = "/v1/orgs/org1";
          reply =
              r.nextBoolean()
                  ? server.send(
                      "PUT",
                      path,
                      c.key(),
                      "{\"name\":\"MKORG"
                          + c.tenant()
                          + "MK\",\"compliance\":[\"Rule MKORG"
                          + c.tenant()
                          + "MK\"]}")
                  : server.get(path, c.key());
        }
        case 11 -> {
          path = "/v1/audit?limit=200";
          reply = server.get(path, c.key());
        }
        case 12 -> {
          path = "/v1/users/" + user;
          reply =
              r.nextInt(4) == 0
                  ? server.send("DELETE", path, c.key(), null)
                  : server.get(path + "/profile", c.key());
        }
        default -> {
          path = "/v1/keys";
          reply = server.get(path, c.key());
        }
      }
      String where =
          "seed "
              + seed
              + " step "
              + step
              + ": "
              + c.role()
              + " key of "
              + c.tenant()
              + (c.user() != null ? " (user " + c.user() + ")" : "")
              + " "
              + path
              + " -> "
              + reply.status();
      assertThat(reply.status()).as(where + " " + reply.body()).isLessThan(500);
      boolean userScoped =
          path.startsWith("/v1/users/")
              || path.startsWith("/v1/context")
              || path.startsWith("/v1/observe");
      Matcher um = USER_MARK.matcher(reply.body());
      while (um.find()) {
        assertThat(um.group(1)).as(where + " leaked " + um.group()).isEqualTo(c.tenant());
        if (userScoped) {
          assertThat(um.group(2)).as(where + " leaked " + um.group()).isEqualTo(user);
        }
      }
      Matcher om = ORG_MARK.matcher(reply.body());
      while (om.find()) {
        assertThat(om.group(1)).as(where + " leaked " + om.group()).isEqualTo(c.tenant());
      }
      if (c.role() == KeyRole.USER && reply.status() < 300) {
        // A user token succeeds only on its own user, whether the path or the body names it.
        assertThat(user).as(where).isEqualTo(c.user());
        assertThat(path).as(where).matches("/v1/users/" + c.user() + "(/.*)?|/v1/context");
      }
      if (reply.status() >= 400) {
        JsonNode error = reply.json().get("error");
        assertThat(error).as(where).isNotNull();
        assertThat(error.get("code").asText()).as(where).isNotBlank();
      }
    }
  }
}
