/** The PostgreSQL store: several Attune nodes on one database, tenants isolated by RLS. */
@NullMarked
package dev.attune.store.postgres;

import org.jspecify.annotations.NullMarked;
