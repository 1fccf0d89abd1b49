package dev.attune.server.http;

import io.javalin.security.RouteRole;

/** Who may call a route: a Javalin route role, checked by {@link Gate} before the handler runs. */
public enum Access implements RouteRole {
  /** No key needed. */
  PUBLIC,
  /** Admin keys. */
  ADMIN,
  /** Admin and service keys. */
  SERVICE,
  /** Admin and service keys, and the user token of the user named in the path. */
  OWN_USER,
  /**
   * The model proxy: admin and service keys, checked by the proxy itself, which takes Attune's key
   * from {@code X-Attune-Key} when {@code Authorization} carries the provider's.
   */
  PROXY
}
