/**
 * The JDBC store base shared by the SQLite and PostgreSQL adapters: {@link
 * dev.attune.store.jdbc.JdbcStore} with its {@link dev.attune.store.jdbc.Dialect}.
 */
@NullMarked
package dev.attune.store.jdbc;

import org.jspecify.annotations.NullMarked;
