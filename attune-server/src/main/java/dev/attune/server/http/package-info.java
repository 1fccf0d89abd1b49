/**
 * The HTTP API v1 on Javalin: routes, API keys and roles, rate limits, audit, metrics, and the one
 * error format. Every handler takes the tenant from the caller's key, never from the request.
 */
@NullMarked
package dev.attune.server.http;

import org.jspecify.annotations.NullMarked;
