package dev.attune.server.cli;

import dev.attune.api.Json;
import dev.attune.api.MessageBody;
import dev.attune.api.OrgBody;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.api.ObserveResult;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.server.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description = {
      "Observe a built-in sample conversation and print the context Attune would inject for a few"
          + " requests.",
      "Runs in a temporary data directory that is deleted afterwards, unless --data is given."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "400",
      description = "Token budget of each request (default 400).")
  int maxTokens;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Keep the demo's data in DIR (default: a temporary directory, deleted after).")
  Path data;

  @Option(
      names = "--tenant",
      paramLabel = "T",
      defaultValue = "demo",
      description = "Tenant (default 'demo').")
  String tenantName;

  record Session(String sessionId, int daysAgo, List<MessageBody> messages) {}

  record Script(
      String userId,
      String orgId,
      OrgBody org,
      List<Session> sessions,
      List<@Nullable String> queries) {}

  @Override
  public Integer call() throws IOException {
    Script script;
    try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/conversation.json")) {
      script =
          Json.read(
              new String(in.readAllBytes(), StandardCharsets.UTF_8), Script.class, "demo script");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dir = data != null ? data : Files.createTempDirectory("attune-demo");
    TenantId tenant = TenantId.of(tenantName);
    UserId user = UserId.of(script.userId());
    OrgId org = OrgId.of(script.orgId());
    try (Attune attune = Attune.builder().dataDir(dir).build()) {
      attune.putOrg(tenant, org, Wire.orgProfile(script.org()));
      out.println("# Observing a sample conversation (user '" + user + "', org '" + org + "')");
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      for (Session s : script.sessions()) {
        List<Message> messages = new ArrayList<>();
        List<Message> parsed = Wire.messages("messages", s.messages());
        Instant start =
            now.minus(Duration.ofDays(s.daysAgo())).minus(Duration.ofMinutes(parsed.size()));
        for (int i = 0; i < parsed.size(); i++) {
          Message m = parsed.get(i);
          messages.add(
              new Message(
                  m.role(),
                  m.content(),
                  s.sessionId() + "-" + i,
                  start.plusSeconds(60L * i),
                  null));
        }
        ObserveResult r =
            attune.observe(
                ObserveRequest.builder(tenant, user)
                    .org(org)
                    .sessionId(s.sessionId())
                    .messages(messages)
                    .build());
        out.printf("%n## Session '%s' (%d day(s) ago)%n", s.sessionId(), s.daysAgo());
        for (Message m : messages) {
          out.printf("  %-9s %s%n", m.role().wireName() + ":", m.content());
        }
        r.added().forEach(m -> out.println("  + learned: " + m.text()));
        r.reinforced().forEach(m -> out.println("  = reinforced: " + m.text()));
        r.superseded().forEach(m -> out.println("  ~ superseded: " + m.text()));
      }
      String lastSession = script.sessions().get(script.sessions().size() - 1).sessionId();
      for (String query : script.queries()) {
        ContextRequest request =
            ContextRequest.builder(tenant, user)
                .query(query)
                .maxTokens(maxTokens)
                .sessionId(lastSession)
                .build();
        long start = System.nanoTime();
        ContextPack pack = attune.context(request);
        double ms = (System.nanoTime() - start) / 1e6;
        out.printf(
            "%n==> context for %s (%d of %d tokens, %.1f ms)%n%n",
            query == null ? "a request without a query" : "\"" + query + "\"",
            pack.tokens(),
            pack.budget(),
            ms);
        out.print(pack.context());
      }
      out.println();
      out.println(
          "Run it yourself: ./attune observe --user U --file messages.json, then"
              + " ./attune context --user U --query \"...\"");
    } finally {
      if (data == null) {
        deleteTree(dir);
      }
    }
    return 0;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
