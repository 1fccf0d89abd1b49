package dev.attune.server.cli;

import dev.attune.core.model.InvalidRequestException;
import dev.attune.server.ServerConfig;
import dev.attune.server.Stores;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.sqlite.SqliteStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune encrypt}: encrypts in place a SQLite store written with encryption off, under the
 * master key (created in the data directory when there is none, as {@code serve} does). Every batch
 * commits on its own, so an interrupted run is resumed by running it again.
 */
@Command(
    name = "encrypt",
    description =
        "Encrypt in place a SQLite store written in plaintext (resumable: run it again after an"
            + " interruption).")
final class EncryptCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ServerConfig cfg = store.config();
    if (cfg.storeUrl() != null) {
      throw new InvalidRequestException(
          "store",
          "encrypt works on a SQLite data directory; for PostgreSQL, export the tenant and import"
              + " it into a store opened with encryption on");
    }
    if (!cfg.encryption()) {
      throw new InvalidRequestException("encryption", "encrypt needs encryption=on (the default)");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (JdbcStore opened =
        Stores.open(cfg, Stores.Keys.ENCRYPT_IN_PLACE, spec.commandLine().getErr())) {
      long sealed =
          ((SqliteStore) opened)
              .encryptInPlace(
                  n -> {
                    out.printf("\rsealed %,d values", n);
                    out.flush();
                  });
      out.printf(
          "%s%s: %,d values of users' text encrypted; the store is wholly encrypted.%n",
          sealed > 0 ? "\n" : "", cfg.dataDir().toAbsolutePath(), sealed);
    }
    return 0;
  }
}
