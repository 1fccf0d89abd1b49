package dev.attune.server.cli;

import dev.attune.core.model.ApiKey;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.server.Stores;
import dev.attune.server.http.Keys;
import dev.attune.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "keys",
    description = "Manage API keys.",
    subcommands = {KeysCommand.Create.class, KeysCommand.Revoke.class, KeysCommand.ListKeys.class})
final class KeysCommand {
  static final class DataOption {
    @Option(
        names = "--data",
        paramLabel = "DIR",
        defaultValue = "${env:ATTUNE_DATA:-./attune-data}",
        description = "Data directory (env ATTUNE_DATA; default ./attune-data).")
    Path data;

    @Option(
        names = "--store",
        paramLabel = "URL",
        defaultValue = "${env:ATTUNE_STORE_URL:-}",
        description = "jdbc:postgresql:// URL (env ATTUNE_STORE_URL); default SQLite in --data.")
    String store;

    JdbcStore open() {
      return Stores.open(store, data);
    }
  }

  @Command(
      name = "create",
      description = "Create a key and print it (once: only its hash is kept).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DataOption data;

    @Option(
        names = "--tenant",
        required = true,
        paramLabel = "T",
        description = "The key's tenant.")
    String tenant;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "admin or service.")
    String role;

    @Option(names = "--label", paramLabel = "TEXT", description = "A name for people.")
    String label;

    @Override
    public Integer call() {
      KeyRole r =
          switch (role.toLowerCase(Locale.ROOT)) {
            case "admin" -> KeyRole.ADMIN;
            case "service" -> KeyRole.SERVICE;
            default ->
                throw new dev.attune.core.InvalidRequestException(
                    "role", "--role must be admin or service; got '" + role + "'");
          };
      try (JdbcStore store = data.open()) {
        Keys.Minted m =
            new Keys(store, InstantSource.system())
                .create(TenantId.of(tenant), r, label, null, null);
        var out = spec.commandLine().getOut();
        out.println(m.secret());
        spec.commandLine()
            .getErr()
            .printf(
                "created %s key %s for tenant %s; it is shown only now%n",
                r.wireName(), m.key().id(), tenant);
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a key by its id (key_...).")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DataOption data;

    @Parameters(paramLabel = "ID", description = "The key's id.")
    String id;

    @Override
    public Integer call() {
      try (JdbcStore store = data.open()) {
        boolean revoked = new Keys(store, InstantSource.system()).revoke(null, id);
        if (!revoked) {
          throw new dev.attune.core.NotFoundException(
              "key '" + id + "' not found (or already revoked)");
        }
        spec.commandLine().getOut().println("revoked " + id);
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List a tenant's keys (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DataOption data;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant.")
    String tenant;

    @Override
    public Integer call() {
      try (JdbcStore store = data.open()) {
        for (ApiKey k : store.keys(TenantId.of(tenant))) {
          spec.commandLine()
              .getOut()
              .printf(
                  "%s  %-7s  %-30s  created %s%s%n",
                  k.id(),
                  k.role().wireName(),
                  k.label() == null ? "" : k.label(),
                  k.createdAt(),
                  k.revokedAt() != null
                      ? "  revoked " + k.revokedAt()
                      : k.expiresAt() != null ? "  expires " + k.expiresAt() : "");
        }
      }
      return 0;
    }
  }
}
