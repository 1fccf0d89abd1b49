package dev.attune.server.cli;

import dev.attune.core.model.ApiKey;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.server.ServerConfig;
import dev.attune.server.http.Keys;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.jdbc.MasterKey;
import java.io.PrintWriter;
import java.nio.file.Files;
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
    subcommands = {
      KeysCommand.Create.class,
      KeysCommand.Revoke.class,
      KeysCommand.ListKeys.class,
      KeysCommand.RotateMaster.class
    })
final class KeysCommand {
  @Command(
      name = "create",
      description = "Create a key and print it (once: only its hash is kept).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin StoreOptions data;

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
                throw new dev.attune.core.model.InvalidRequestException(
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

    @picocli.CommandLine.Mixin StoreOptions data;

    @Parameters(paramLabel = "ID", description = "The key's id.")
    String id;

    @Override
    public Integer call() {
      try (JdbcStore store = data.open()) {
        boolean revoked = new Keys(store, InstantSource.system()).revoke(null, id);
        if (!revoked) {
          throw new dev.attune.core.model.NotFoundException(
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

    @picocli.CommandLine.Mixin StoreOptions data;

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

  @Command(
      name = "rotate-master",
      description = {
        "Wrap every user's data key with a new master key (the data is not re-encrypted).",
        "The current key comes from ATTUNE_MASTER_KEY, --master-key-file or master.key in --data;"
            + " the new one from --new-key-file (created there if the file does not exist).",
        "Afterwards start Attune with the new key only; destroy the old one once no backup you"
            + " keep needs it."
      })
  static final class RotateMaster implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin StoreOptions data;

    @Option(
        names = "--new-key-file",
        required = true,
        paramLabel = "FILE",
        description = "The new master key (base64); created if missing.")
    Path newKeyFile;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ServerConfig cfg = data.config();
      if (!cfg.encryption()) {
        throw new dev.attune.core.model.InvalidRequestException(
            "encryption", "encryption is off: there is no master key to rotate");
      }
      MasterKey next;
      if (Files.exists(newKeyFile)) {
        next = MasterKey.read(newKeyFile);
      } else {
        next = MasterKey.generate();
        next.writeNew(newKeyFile);
        out.println("Created the new master key " + next.id() + " in " + newKeyFile);
      }
      try (JdbcStore store = data.open()) {
        if (!store.encrypted()) {
          throw new dev.attune.core.model.InvalidRequestException(
              "master_key", "no master key was found for this store: nothing to rotate");
        }
        int n = store.rotateMasterKey(next);
        out.println(
            "Rewrapped "
                + n
                + " data key(s) with "
                + next.id()
                + ". Start Attune with --master-key-file "
                + newKeyFile
                + " (or ATTUNE_MASTER_KEY) from now on.");
      }
      return 0;
    }
  }
}
