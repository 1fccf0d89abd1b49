/**
 * The Java client for Attune's HTTP API: {@link dev.attune.client.AttuneClient}, typed methods for
 * every endpoint, and typed exceptions that carry the API's error code and field.
 */
@NullMarked
package dev.attune.client;

import org.jspecify.annotations.NullMarked;
