/**
 * Translation between the HTTP API's wire records ({@code dev.attune.api}) and the engine's domain
 * values, with errors that name the field as it is spelled on the wire.
 */
@NullMarked
package dev.attune.server.wire;

import org.jspecify.annotations.NullMarked;
