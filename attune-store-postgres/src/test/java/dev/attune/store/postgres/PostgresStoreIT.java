package dev.attune.store.postgres;

import dev.attune.core.port.MemoryStore;
import dev.attune.core.testing.MemoryStoreContract;

/** The store contract against a real PostgreSQL, as an unprivileged role bound by RLS. */
class PostgresStoreIT extends MemoryStoreContract {
  @Override
  protected MemoryStore newStore() {
    return TestDatabase.newStore();
  }

  /** Every row of every table, read as a superuser (row-level security does not hide any). */
  @Override
  protected String rawContents(MemoryStore store) throws Exception {
    return TestDatabase.allRows(database(store));
  }

  static String database(MemoryStore store) {
    String s = store.toString();
    int slash = s.lastIndexOf('/');
    int q = s.indexOf('?', slash);
    return s.substring(slash + 1, q);
  }
}
