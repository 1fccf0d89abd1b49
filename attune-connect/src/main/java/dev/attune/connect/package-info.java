/**
 * The connector the framework integrations share: {@link dev.attune.connect.AttuneMemory} over the
 * embedded engine or the HTTP client.
 */
@NullMarked
package dev.attune.connect;

import org.jspecify.annotations.NullMarked;
