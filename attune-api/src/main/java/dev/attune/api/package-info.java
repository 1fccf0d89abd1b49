/**
 * The HTTP API v1 wire format: request and response records (JSON in snake_case, times in ISO-8601,
 * enumerations as lower-case strings so that new values never break an older client), and the one
 * Jackson configuration that reads and writes them.
 */
@NullMarked
package dev.attune.api;

import org.jspecify.annotations.NullMarked;
