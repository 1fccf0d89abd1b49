package dev.attune.server.http;

import io.javalin.security.RouteRole;

/**
 * Every operation a door offers on a tenant's data, with who may perform it: the one table of
 * authorization that the REST routes (as their Javalin role), the model proxy and MCP over HTTP all
 * read through {@link AccessPolicy}. docs/security.md prints the same table; {@code DoorsIT} walks
 * every door with every kind of key against it.
 */
public enum Operation implements RouteRole {
  /** No key needed: health, metrics (its own token), the API document. */
  PUBLIC(Audience.ANYONE, "call a public route"),
  /** The user's context pack: REST {@code POST /v1/context}, MCP {@code get_context}. */
  READ_CONTEXT(Audience.OWN_USER, "read the user's context"),
  /** Conversations fed to learning: REST {@code /v1/observe}, the observations it returns. */
  OBSERVE(Audience.SERVICE, "observe conversations"),
  /** A chat through the model proxy: context read and the exchange observed. */
  PROXY_CHAT(Audience.SERVICE, "call the model proxy"),
  /** The application's feedback on a pack. */
  FEEDBACK(Audience.SERVICE, "send feedback"),
  /** The user's profile. */
  READ_PROFILE(Audience.OWN_USER, "read the user's profile"),
  EDIT_PROFILE(Audience.OWN_USER, "edit the user's profile"),
  /** Memories listed, searched, read one by one, with their history. */
  READ_MEMORIES(Audience.OWN_USER, "read the user's memories"),
  /** A memory added or edited explicitly (REST, MCP {@code remember}). */
  WRITE_MEMORY(Audience.OWN_USER, "add or edit the user's memories"),
  /** A memory deleted (REST, MCP {@code forget_memory}). */
  DELETE_MEMORY(Audience.OWN_USER, "delete the user's memories"),
  /** The records of what was injected into the user's packs. */
  READ_CONTEXT_RECORDS(Audience.OWN_USER, "read the user's context records"),
  EXPORT(Audience.OWN_USER, "export the user's data"),
  ERASE(Audience.OWN_USER, "erase the user"),
  /** An org's profile read. */
  READ_ORG(Audience.SERVICE, "read an org"),
  /**
   * The tenant's administration: orgs written, keys, user tokens, audit, usage, experiments,
   * effectiveness.
   */
  ADMINISTER(Audience.ADMIN, "administer the tenant");

  /** Which keys an operation admits. */
  enum Audience {
    /** No key. */
    ANYONE,
    /** Admin keys only. */
    ADMIN,
    /** Admin and service keys. */
    SERVICE,
    /** Admin and service keys, and a user token for its own user. */
    OWN_USER
  }

  private final Audience audience;
  private final String phrase;

  Operation(Audience audience, String phrase) {
    this.audience = audience;
    this.phrase = phrase;
  }

  Audience audience() {
    return audience;
  }

  /** What the operation does, as a refusal says it ("may not observe conversations"). */
  String phrase() {
    return phrase;
  }
}
