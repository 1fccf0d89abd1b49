package dev.attune.server.cli;

import dev.attune.core.model.InvalidRequestException;
import dev.attune.server.ServerConfig;
import dev.attune.server.Stores;
import dev.attune.store.jdbc.JdbcStore;
import dev.attune.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./attune backup} and {@code ./attune restore} for a SQLite data directory. The database
 * and its key file are written to different places, as crypto-shredding needs: a database backup
 * restored beside today's keys cannot bring back a user erased since (their key is gone, and
 * restore deletes their rows).
 */
final class BackupCommands {
  private BackupCommands() {}

  static ServerConfig sqlite(StoreOptions store) {
    ServerConfig cfg = store.config();
    if (cfg.storeUrl() != null) {
      throw new InvalidRequestException(
          "store",
          "backup and restore work on a SQLite data directory; back PostgreSQL up with its own"
              + " tools (pg_dump, keeping data_keys apart: see docs/scaling.md)");
    }
    return cfg;
  }

  @Command(
      name = "backup",
      description =
          "Copy a SQLite store while it runs: the database to --out, its data keys to --keys-out"
              + " (keep them apart).")
  static final class Backup implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Spec CommandSpec spec;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Where attune.db goes.")
    Path out;

    @Option(
        names = "--keys-out",
        paramLabel = "DIR",
        description =
            "Where keys.db goes (another place than --out); without it the keys are not copied.")
    @Nullable Path keysOut;

    @Override
    public Integer call() throws IOException {
      ServerConfig cfg = sqlite(store);
      if (keysOut != null
          && keysOut.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
        throw new InvalidRequestException(
            "keys-out",
            "--keys-out must differ from --out: a backup of the database must not carry the keys"
                + " that read it");
      }
      Path database = Files.createDirectories(out).resolve(SqliteStore.FILE_NAME);
      Path keys =
          keysOut == null
              ? null
              : Files.createDirectories(keysOut).resolve(SqliteStore.KEYS_FILE_NAME);
      for (Path p : new Path[] {database, keys}) {
        if (p != null && Files.exists(p)) {
          throw new InvalidRequestException("out", p + " exists already: choose an empty place");
        }
      }
      PrintWriter w = spec.commandLine().getOut();
      try (JdbcStore opened = store.open()) {
        if (!(opened instanceof SqliteStore sqlite)) {
          throw new IllegalStateException("not a SQLite store: " + opened);
        }
        sqlite.backup(database, keys);
        w.printf("Backed up %s to %s", cfg.dataDir().toAbsolutePath(), database.toAbsolutePath());
        if (keys != null && Files.exists(keys)) {
          w.printf(" and its data keys to %s", keys.toAbsolutePath());
        } else if (opened.encrypted()) {
          w.print(" (data keys not copied: without them the backup reads nobody)");
        }
        w.println(".");
      }
      return 0;
    }
  }

  @Command(
      name = "restore",
      description =
          "Put a backup's database into a stopped data directory; keeps today's data keys unless"
              + " --keys-from is given, and deletes users erased since the backup.")
  static final class Restore implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Spec CommandSpec spec;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "DIR",
        description = "The backup's attune.db directory.")
    Path from;

    @Option(
        names = "--keys-from",
        paramLabel = "DIR",
        description =
            "Restore the data keys too (only when today's are lost: users erased since the"
                + " backup come back with them).")
    @Nullable Path keysFrom;

    @Override
    public Integer call() throws IOException {
      ServerConfig cfg = sqlite(store);
      Path dir = Files.createDirectories(cfg.dataDir());
      Path source = from.resolve(SqliteStore.FILE_NAME);
      if (!Files.exists(source)) {
        throw new InvalidRequestException("from", "no " + SqliteStore.FILE_NAME + " in " + from);
      }
      // The running store's side files would not match the restored database.
      for (String side : new String[] {"-wal", "-shm"}) {
        Files.deleteIfExists(dir.resolve(SqliteStore.FILE_NAME + side));
      }
      Files.copy(source, dir.resolve(SqliteStore.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
      if (keysFrom != null) {
        for (String side : new String[] {"-wal", "-shm"}) {
          Files.deleteIfExists(dir.resolve(SqliteStore.KEYS_FILE_NAME + side));
        }
        Files.copy(
            keysFrom.resolve(SqliteStore.KEYS_FILE_NAME),
            dir.resolve(SqliteStore.KEYS_FILE_NAME),
            StandardCopyOption.REPLACE_EXISTING);
      }
      PrintWriter w = spec.commandLine().getOut();
      try (JdbcStore opened =
          Stores.open(cfg, Stores.Keys.ENCRYPT_IN_PLACE, spec.commandLine().getErr())) {
        int purged = opened.encrypted() ? opened.purgeErasedUsers() : 0;
        w.printf(
            "Restored %s into %s; %d user(s) erased since the backup deleted again.%n",
            source.toAbsolutePath(), dir.toAbsolutePath(), purged);
      }
      return 0;
    }
  }
}
