package dev.attune.store.postgres;

import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells this process which users another process changed: every write sends {@code NOTIFY
 * attune_changes} in its transaction (delivered at commit), and this thread, on a connection of its
 * own, passes each to the listeners (the engine drops that user's cached working set). After a lost
 * connection it reconnects and tells the listeners to drop everything, since notices sent meanwhile
 * are gone. Keys have their own channel: a key revoked on one node stops working on all at once.
 */
final class ChangeListener implements AutoCloseable {
  static final String CHANNEL = "attune_changes";
  static final String KEY_CHANNEL = "attune_keys";
  private static final System.Logger LOG = System.getLogger(ChangeListener.class.getName());

  private final String url;
  private final Properties credentials;
  private final String node;
  private final List<BiConsumer<TenantId, UserId>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> resets = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> keyListeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final java.util.concurrent.CountDownLatch listening =
      new java.util.concurrent.CountDownLatch(1);
  private volatile boolean closed;

  ChangeListener(String url, Properties credentials, String node) {
    this.url = url;
    this.credentials = credentials;
    this.node = node;
    this.thread = Thread.ofPlatform().daemon().name("attune-pg-changes").unstarted(this::run);
  }

  /**
   * Starts listening and waits (up to 10 s) until the feed is open, so that nothing another node
   * changes after this store has opened goes unnoticed.
   */
  void start() {
    thread.start();
    try {
      if (!listening.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "the PostgreSQL change feed is not open yet; caches may be stale until it is");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void add(BiConsumer<TenantId, UserId> listener, Runnable reset) {
    listeners.add(listener);
    resets.add(reset);
  }

  /** Told the id of each key another node wrote (revoked); {@code reset} after a lost feed. */
  void addKeys(Consumer<String> listener, Runnable reset) {
    keyListeners.add(listener);
    resets.add(reset);
  }

  /** The payload of a change made by {@code node}. */
  static String payload(String node, TenantId tenant, UserId user) {
    return node + " " + tenant.value() + " " + user.value();
  }

  private void run() {
    boolean first = true;
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url, credentials)) {
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
          st.execute("LISTEN " + KEY_CHANNEL);
        }
        listening.countDown();
        if (!first) {
          resets.forEach(Runnable::run);
        }
        first = false;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(250);
          if (notes == null) {
            continue;
          }
          for (PGNotification n : notes) {
            if (KEY_CHANNEL.equals(n.getName())) {
              deliverKey(n.getParameter());
            } else {
              deliver(n.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        if (!closed) {
          LOG.log(
              System.Logger.Level.WARNING,
              "lost the PostgreSQL change feed (" + e.getMessage() + "); reconnecting");
          sleep();
        }
      }
    }
  }

  private void deliver(String payload) {
    String[] parts = payload.split(" ", 3);
    if (parts.length != 3 || parts[0].equals(node)) {
      return; // this process's own write: its cache is already current
    }
    TenantId tenant = TenantId.of(parts[1]);
    UserId user = UserId.of(parts[2]);
    for (BiConsumer<TenantId, UserId> l : listeners) {
      try {
        l.accept(tenant, user);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a change listener failed: " + e.getMessage());
      }
    }
  }

  private void deliverKey(String payload) {
    String[] parts = payload.split(" ", 2);
    if (parts.length != 2 || parts[0].equals(node)) {
      return;
    }
    for (Consumer<String> l : keyListeners) {
      try {
        l.accept(parts[1]);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a key listener failed: " + e.getMessage());
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
