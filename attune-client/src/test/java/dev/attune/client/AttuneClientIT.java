package dev.attune.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.api.ContextQuery;
import dev.attune.api.MemoryBody;
import dev.attune.api.MessageBody;
import dev.attune.api.ObservationBody;
import dev.attune.api.OrgBody;
import dev.attune.api.Pack;
import dev.attune.api.ProfileBody;
import dev.attune.core.model.KeyRole;
import dev.attune.server.http.TestServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against the real server, started in-process on port 0. */
class AttuneClientIT {
  static TestServer server;
  static AttuneClient admin;
  static AttuneClient service;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer();
    admin = client(server.key("acme", KeyRole.ADMIN));
    service = client(server.key("acme", KeyRole.SERVICE));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static AttuneClient client(String key) {
    return AttuneClient.builder()
        .baseUrl("http://127.0.0.1:" + server.api.port())
        .apiKey(key)
        .build();
  }

  @Test
  void observeThenContext() {
    ObservationBody done =
        service.observeAndWait(
            "ann", null, "s1", List.of(MessageBody.user("I live in Lisbon and I love surfing.")));
    assertThat(done.status()).isEqualTo("done");
    assertThat(done.added()).extracting(MemoryBody::text).contains("User lives in Lisbon.");

    String id = service.observe("ann", null, "s1", List.of(MessageBody.user("I work as a nurse.")));
    assertThat(service.observation(id).observationId()).isEqualTo(id);

    Pack pack =
        service.context(
            new ContextQuery(
                "ann", null, "where to surf", 300, null, null, null, null, null, null, null, 5000));
    assertThat(pack.tokens()).isPositive().isLessThanOrEqualTo(300);
    assertThat(pack.context()).contains("Lisbon");
    assertThat(pack.blocks()).isNotEmpty();
  }

  @Test
  void profilesMemoriesHistoryExportAndForget() {
    ProfileBody p =
        service.putProfile(
            "bob",
            new ProfileBody.Put("Bob", "chef", null, null, "en", List.of("tea"), Map.of(), null));
    assertThat(p.name()).isEqualTo("Bob");
    Map<String, Object> patch = new HashMap<>();
    patch.put("role", null);
    assertThat(service.patchProfile("bob", patch).role()).isNull();
    assertThat(service.profile("bob").language()).isEqualTo("en");

    MemoryBody m =
        service.addMemory(
            "bob", new MemoryBody.Create("Bob bakes sourdough", "preference", true, null));
    assertThat(m.pinned()).isTrue();
    assertThat(service.memory("bob", m.id()).text()).isEqualTo("Bob bakes sourdough");
    assertThat(
            service
                .patchMemory("bob", m.id(), new MemoryBody.Patch("Bob bakes rye", null, null))
                .text())
        .isEqualTo("Bob bakes rye");
    assertThat(service.memories("bob", MemoryFilter.active()).memories()).hasSize(1);
    assertThat(service.history("bob", m.id()).changes())
        .extracting(MemoryBody.Change::kind)
        .containsExactly("created", "edited");
    service.deleteMemory("bob", m.id());
    assertThat(service.memories("bob", MemoryFilter.all()).memories())
        .extracting(MemoryBody::status)
        .containsExactly("deleted");

    assertThat(service.export("bob").memories()).hasSize(1);
    service.forget("bob");
    assertThatThrownBy(() -> service.profile("bob"))
        .isInstanceOf(AttuneApiException.NotFound.class);
  }

  @Test
  void orgsKeysTokensAndAudit() {
    admin.putOrg(
        "bank",
        new OrgBody(
            null, "Acme Bank", null, Map.of(), List.of("No investment advice."), List.of()));
    assertThat(service.org("bank").compliance()).containsExactly("No investment advice.");
    var created = admin.createKey("service", "reporting");
    AttuneClient fresh = client(created.secret());
    assertThat(fresh.health().status()).isEqualTo("ok");
    assertThat(admin.keys().keys()).extracting(k -> k.id()).contains(created.key().id());
    admin.revokeKey(created.key().id());
    assertThatThrownBy(() -> fresh.context(ContextQuery.forUser("x", null, null)))
        .isInstanceOf(AttuneApiException.Unauthorized.class);

    service.putProfile(
        "carol", new ProfileBody.Put("Carol", null, null, null, null, null, null, null));
    AttuneClient carol = client(admin.createUserToken("carol", 60).secret());
    assertThat(carol.profile("carol").name()).isEqualTo("Carol");
    assertThatThrownBy(() -> carol.profile("bob")).isInstanceOf(AttuneApiException.Forbidden.class);
    admin.deleteOrg("bank");
    assertThat(admin.audit(null, null, 50).entries()).isNotEmpty();
    assertThatThrownBy(() -> service.audit(null, null, 10))
        .isInstanceOf(AttuneApiException.Forbidden.class);
  }

  @Test
  void errorsAreTypedAndCarryTheCodeAndField() {
    assertThatThrownBy(() -> service.context(ContextQuery.forUser("ann", "q", 0)))
        .isInstanceOfSatisfying(
            AttuneApiException.InvalidRequest.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.code()).isEqualTo("invalid_value");
              assertThat(e.field()).isEqualTo("max_tokens");
              assertThat(e.getMessage()).isEqualTo("max_tokens must be within 1..1000000; got 0");
            });
    assertThatThrownBy(() -> service.observe("ann", null, null, List.of()))
        .isInstanceOfSatisfying(
            AttuneApiException.InvalidRequest.class,
            e -> assertThat(e.field()).isEqualTo("messages"));
    assertThatThrownBy(() -> service.memory("ann", "mem_missing"))
        .isInstanceOf(AttuneApiException.NotFound.class);
    assertThat(client("atn_key_00_bad").health().status()).isEqualTo("ok");
    assertThatThrownBy(() -> client("atn_key_00_bad").profile("ann"))
        .isInstanceOf(AttuneApiException.Unauthorized.class);
    AttuneClient nowhere = AttuneClient.builder().baseUrl("http://127.0.0.1:1").apiKey("k").build();
    assertThatThrownBy(nowhere::health)
        .isInstanceOf(AttuneConnectionException.class)
        .hasMessageContaining("ConnectException") // it said "failed: null"
        .message()
        .doesNotEndWith("null");
    assertThatThrownBy(() -> AttuneClient.builder().baseUrl("ftp://x").apiKey("k").build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
