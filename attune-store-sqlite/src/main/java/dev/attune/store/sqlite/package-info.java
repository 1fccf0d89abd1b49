/**
 * The embedded store: one SQLite database file ({@code attune.db}) in a data directory, in WAL
 * mode, with Flyway migrations. {@link dev.attune.store.sqlite.SqliteStore} is the only public type
 * besides the {@link java.util.ServiceLoader} provider.
 */
@NullMarked
package dev.attune.store.sqlite;

import org.jspecify.annotations.NullMarked;
