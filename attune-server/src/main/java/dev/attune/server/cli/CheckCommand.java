package dev.attune.server.cli;

import dev.attune.core.model.InvalidRequestException;
import dev.attune.server.ServerConfig;
import dev.attune.server.Stores;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.jdbc.StoreCheck;
import dev.attune.store.sqlite.SqliteStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune check}: reads the whole store and says whether it is consistent (after a crash, a
 * restore, a disk problem). Exit 0 when every check passed, 1 when one found a problem. It never
 * writes: a store without a master key at hand is checked as unencrypted (its sealed values are
 * then reported as unreadable), and no key is created.
 */
@Command(
    name = "check",
    description =
        "Check a store: database integrity, orphan rows, data keys, sealed values, the observation"
            + " queue. Exit 0 when consistent, 1 when not.")
final class CheckCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ServerConfig cfg = store.config();
    if (cfg.storeUrl() == null) {
      if (!Files.exists(cfg.dataDir().resolve(SqliteStore.FILE_NAME))) {
        throw new InvalidRequestException(
            "data", "there is no store in " + cfg.dataDir().toAbsolutePath() + " to check");
      }
      if (cfg.encryption() && !Stores.masterKeyAtHand(cfg)) {
        cfg = store.config(Map.of("encryption", "off"));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    StoreCheck.Report report;
    // ENCRYPT_IN_PLACE: a partly plaintext store is opened, so that the check can say where.
    try (JdbcStore opened =
        Stores.open(cfg, Stores.Keys.ENCRYPT_IN_PLACE, spec.commandLine().getErr())) {
      report = opened.check();
    }
    for (StoreCheck.Result r : report.results()) {
      out.printf(
          "%-28s %s (%,d examined)%n",
          r.name(), r.ok() ? "ok" : r.problems().size() + " problem(s)", r.examined());
      for (String p : r.problems()) {
        out.println("    " + p);
      }
    }
    out.println(
        report.ok() ? "The store is consistent." : "The store is NOT consistent: see above.");
    return report.ok() ? 0 : 1;
  }
}
