package dev.attune.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attune.api.ConnectionFailure;
import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.api.ContextPack;
import dev.attune.core.api.ContextRequest;
import dev.attune.core.api.ObserveRequest;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.Ids;
import dev.attune.core.model.Limits;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.server.ServerConfig;
import dev.attune.server.proxy.WireFormat;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.jspecify.annotations.Nullable;

/**
 * The model proxy: an application points its OpenAI or Anthropic client at {@code /v1/proxy/openai}
 * or {@code /v1/proxy/anthropic} and changes nothing else. For a request naming a user, Attune's
 * context for the latest user message goes into the system prompt; the request goes upstream with
 * the provider's key; the response streams back as it arrives, byte for byte; then, in the
 * background, the user's message and the reply (with the pack's {@code context_id}) are observed,
 * with ids that stay the same when the client retries. Memory never breaks a chat: when context
 * fails, the request goes upstream without it.
 */
final class ModelProxy {
  private static final System.Logger LOG = System.getLogger(ModelProxy.class.getName());

  /** Request headers never forwarded: hop-by-hop, computed by the client, or Attune's own. */
  private static final Set<String> DROPPED_REQUEST_HEADERS =
      Set.of(
          "host",
          "content-length",
          "connection",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "expect",
          "proxy-authorization",
          "proxy-connection",
          "accept-encoding",
          "authorization",
          "x-api-key");

  /** Response headers not copied back: hop-by-hop, or set by this server. */
  private static final Set<String> DROPPED_RESPONSE_HEADERS =
      Set.of(
          "content-length",
          "connection",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          ":status",
          // This server writes its own Date; a copy would make two.
          "date");

  private final Attune attune;
  private final Gate gate;
  private final ServerConfig config;
  private final HttpClient upstream;
  private final Consumer<Context> auditNow;

  /**
   * @param auditNow submits the request's audit entry (called once the answer's status is final)
   */
  ModelProxy(Attune attune, Gate gate, ServerConfig config, Consumer<Context> auditNow) {
    this.attune = attune;
    this.gate = gate;
    this.config = config;
    this.auditNow = auditNow;
    this.upstream =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
  }

  void declare(Routes r) {
    r.proxy("/v1/proxy/openai/chat/completions", this::openAi);
    r.proxy("/v1/proxy/anthropic/v1/messages", this::anthropic);
  }

  private void openAi(Context ctx) throws IOException, InterruptedException {
    String key = config.proxy().openAiKey();
    forward(
        ctx,
        WireFormat.OPENAI,
        URI.create(config.proxy().openAiBaseUrl() + "/chat/completions"),
        key.isEmpty() ? null : new Credential("authorization", "Bearer " + key));
  }

  private void anthropic(Context ctx) throws IOException, InterruptedException {
    String key = config.proxy().anthropicKey();
    forward(
        ctx,
        WireFormat.ANTHROPIC,
        URI.create(config.proxy().anthropicBaseUrl() + "/v1/messages"),
        key.isEmpty() ? null : new Credential("x-api-key", key));
  }

  /** A provider credential: the header that carries it and its value. Never logged. */
  private record Credential(String header, String value) {
    @Override
    public String toString() {
      return "Credential[" + header + "]";
    }
  }

  /** The first credential header the client sent, or null. */
  private static @Nullable Credential clientCredential(Context ctx, WireFormat format) {
    for (String header : format.credentialHeaders()) {
      String value = ctx.header(header);
      if (value != null && !value.isBlank()) {
        return new Credential(header, value);
      }
    }
    return null;
  }

  /**
   * @param configured the operator's provider credential, or null: the client sends its own
   */
  private void forward(Context ctx, WireFormat format, URI target, @Nullable Credential configured)
      throws IOException, InterruptedException {
    ctx.attribute(Call.STARTED, System.nanoTime());
    ctx.attribute(Call.WIRE_FORMAT, format);
    Credential fromClient = clientCredential(ctx, format);
    ApiKey key = authenticate(ctx, configured != null, fromClient);
    Credential provider = configured != null ? configured : fromClient;
    if (provider == null) {
      throw HttpError.unauthorized(
          "no provider key: send it as the client's API key ("
              + String.join(" or ", format.credentialHeaders())
              + ") and Attune's key in X-Attune-Key, or configure it in Attune");
    }
    byte[] body = ctx.bodyAsBytes();
    ObjectNode json = object(body);
    Prepared prepared = prepare(ctx, format, key, json);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            // Cleartext upstreams (local model servers) speak HTTP/1.1: no h2c upgrade dance.
            .version(
                "http".equals(target.getScheme())
                    ? HttpClient.Version.HTTP_1_1
                    : HttpClient.Version.HTTP_2)
            .timeout(config.proxy().timeout())
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    prepared.pack == null && !prepared.degraded
                        ? body
                        : Json.MAPPER.writeValueAsBytes(json)));
    ctx.headerMap()
        .forEach(
            (name, value) -> {
              String n = name.toLowerCase(Locale.ROOT);
              if (!DROPPED_REQUEST_HEADERS.contains(n) && !n.startsWith("x-attune-")) {
                request.header(name, value);
              }
            });
    request.setHeader(provider.header(), provider.value());
    HttpResponse<InputStream> response;
    try {
      response = upstream.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new HttpError(
          502,
          "upstream_unreachable",
          "the model provider at "
              + hostAndPort(target)
              + " could not be reached: "
              + ConnectionFailure.plainly(e),
          null,
          Map.of());
    }
    ctx.status(response.statusCode());
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!DROPPED_RESPONSE_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                // The first value replaces what the web framework set already (its default
                // Content-Type): one header each, as the provider sent it.
                for (int i = 0; i < values.size(); i++) {
                  if (i == 0) {
                    ctx.res().setHeader(name, values.get(i));
                  } else {
                    ctx.res().addHeader(name, values.get(i));
                  }
                }
              }
            });
    if (prepared.pack != null) {
      if (prepared.pack.contextId() != null) {
        ctx.header("X-Attune-Context-Id", prepared.pack.contextId());
      }
      ctx.header("X-Attune-Context-Tokens", Integer.toString(prepared.pack.tokens()));
    }
    if (prepared.contextNanos > 0) {
      // The standard header browsers and tracing tools read: how much of the wait was Attune's.
      ctx.res()
          .addHeader(
              "Server-Timing",
              String.format(Locale.ROOT, "attune-context;dur=%.2f", prepared.contextNanos / 1e6));
    }
    if (prepared.degraded) {
      ctx.header("X-Attune-Degraded", "true");
    }
    byte[] kept;
    try {
      // Once the first bytes are with the client the status is final: the audit entry's commit
      // starts then and overlaps the rest of the answer.
      kept =
          AnswerCopy.stream(
              response.body(), ctx.res().getOutputStream(), () -> auditNow.accept(ctx));
    } catch (AnswerCopy.UpstreamBrokeOff e) {
      if (!ctx.res().isCommitted()) {
        throw new HttpError(
            502,
            "upstream_broke_off",
            "the model provider at "
                + hostAndPort(target)
                + " broke off its answer: "
                + ConnectionFailure.plainly((IOException) e.getCause()),
            null,
            Map.of());
      }
      // Part of the answer is with the client already: the status cannot change and an error
      // body would land inside the provider's stream. Cut the connection instead, so the client
      // sees an incomplete answer, as it would from the provider itself. Nothing is learned from
      // half a reply.
      LOG.log(
          System.Logger.Level.WARNING,
          "proxy: the model provider at " + hostAndPort(target) + " broke off its answer: " + e);
      // The connection is closed under the request rather than the request aborted: an aborted
      // request leaves the web framework's end of request failing with its own logged error.
      ServletContextRequest.getServletContextRequest(ctx.req())
          .getConnectionMetaData()
          .getConnection()
          .getEndPoint()
          .close(e);
      return;
    } catch (AnswerCopy.ClientWentAway e) {
      // The client hung up mid-answer: nobody is left to answer, and half a reply is not learned.
      LOG.log(System.Logger.Level.DEBUG, "proxy: the client went away mid-answer: " + e);
      return;
    }
    if (prepared.user != null && response.statusCode() / 100 == 2) {
      // The exchange is queued for learning after the audit entry is committed: both are writes
      // to the store, and the request waits for the audit's, not for learning's.
      CompletableFuture<Void> audited = ctx.attribute(Call.AUDIT_SUBMITTED);
      if (audited != null) {
        AuditRecorder.await(audited);
      }
      // After the response, on its own thread: observing never delays the reply.
      boolean streamed = format.streaming(json);
      Thread.startVirtualThread(
          () -> learn(key.tenant(), prepared, format.reply(kept, streamed), key));
    }
  }

  /** What the proxy decided about a request before sending it. */
  private record Prepared(
      @Nullable UserId user,
      @Nullable OrgId org,
      @Nullable String session,
      @Nullable String userText,
      int userIndex,
      @Nullable ContextPack pack,
      boolean degraded,
      long contextNanos) {}

  /** The user's context injected into the request (unless there is no user or no user message). */
  private Prepared prepare(Context ctx, WireFormat format, ApiKey key, ObjectNode json) {
    String userHeader = ctx.header("X-Attune-User-Id");
    String userName = userHeader != null ? userHeader : format.user(json);
    if (userName == null || userName.isBlank()) {
      return new Prepared(null, null, null, null, 0, null, false, 0);
    }
    UserId user = UserId.of(Ids.check("X-Attune-User-Id", userName));
    String orgName = ctx.header("X-Attune-Org-Id");
    OrgId org = orgName == null ? null : OrgId.of(Ids.check("X-Attune-Org-Id", orgName));
    String session = Ids.checkOptional("X-Attune-Session-Id", ctx.header("X-Attune-Session-Id"));
    ctx.attribute(Call.AUDIT_USER, user);
    List<Message> conversation = format.conversation(json);
    String userText = format.lastUserText(conversation);
    if (userText == null) {
      return new Prepared(user, org, session, null, -1, null, false, 0);
    }
    long started = System.nanoTime();
    try {
      ContextRequest.Builder request =
          ContextRequest.builder(key.tenant(), user)
              .org(org)
              .sessionId(session)
              .query(truncate(userText, Limits.MAX_QUERY_CHARS))
              .conversation(conversation)
              .modelContextWindow(WireFormat.contextWindow(format.model(json)))
              .timeout(Duration.ofMillis(config.contextTimeoutMs()));
      ContextPack pack = attune.context(request.build());
      if (!pack.context().isEmpty()) {
        format.inject(json, pack.context());
      }
      return new Prepared(
          user,
          org,
          session,
          userText,
          format.lastUserIndex(conversation),
          pack,
          pack.degraded(),
          System.nanoTime() - started);
    } catch (RuntimeException e) {
      // Memory never breaks a chat: the request goes on without context.
      LOG.log(System.Logger.Level.WARNING, "proxy: context failed, forwarding without it: " + e);
      return new Prepared(
          user,
          org,
          session,
          userText,
          format.lastUserIndex(conversation),
          null,
          true,
          System.nanoTime() - started);
    }
  }

  /**
   * Observes the exchange in the background (durably queued before this returns): the user's latest
   * message and the reply, with ids derived from the user's message and its place in the
   * conversation (never from what follows it), so that a retried request, or the next leg of a tool
   * calling round trip, stores nothing twice.
   */
  private void learn(TenantId tenant, Prepared p, String reply, ApiKey key) {
    if (p.userText == null || p.user == null) {
      return;
    }
    String base =
        "px-"
            + Keys.sha256(
                    tenant.value()
                        + "\u0000"
                        + p.user.value()
                        + "\u0000"
                        + (p.session == null ? "" : p.session)
                        + "\u0000"
                        + p.userIndex
                        + "\u0000"
                        + p.userText)
                .substring(0, 32);
    List<Message> messages = new java.util.ArrayList<>();
    messages.add(
        new Message(Role.USER, truncate(p.userText, Limits.MAX_MESSAGE_CHARS), base, null, null));
    if (!reply.isBlank()) {
      messages.add(
          new Message(
              Role.ASSISTANT,
              truncate(reply, Limits.MAX_MESSAGE_CHARS),
              base + "-r",
              null,
              null,
              p.pack == null ? null : p.pack.contextId()));
    }
    try {
      attune.submit(
          ObserveRequest.builder(tenant, p.user)
              .org(p.org)
              .sessionId(p.session)
              .messages(messages)
              .actor(key.id())
              .build());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "proxy: could not observe the exchange: " + e);
    }
  }

  /**
   * Attune's key: {@code X-Attune-Key}, or (when the operator holds the provider key) the client's
   * own API key.
   */
  private ApiKey authenticate(
      Context ctx, boolean providerKeyConfigured, @Nullable Credential clientsOwnKey) {
    String presented = ctx.header("X-Attune-Key");
    if (presented == null && providerKeyConfigured && clientsOwnKey != null) {
      String v = clientsOwnKey.value();
      presented = Gate.bearer(v) != null ? Gate.bearer(v) : v;
    }
    ApiKey key =
        gate.verify(
            presented,
            "missing Attune key: send it in X-Attune-Key"
                + (providerKeyConfigured ? " or as the client's API key" : ""),
            "the Attune key "
                + (ctx.header("X-Attune-Key") != null
                    ? "in X-Attune-Key"
                    : "sent as the client's API key")
                + " is invalid, expired or revoked (the model provider's key was not checked)");
    ctx.attribute(Call.KEY, key);
    AccessPolicy.require(key, Operation.PROXY_CHAT, null);
    gate.throttle(key);
    return key;
  }

  /** {@code host:port}, the port the scheme implies when the URL names none. */
  static String hostAndPort(URI target) {
    int port = target.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
    }
    return target.getHost() + ":" + port;
  }

  private static ObjectNode object(byte[] body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node instanceof ObjectNode o) {
        return o;
      }
    } catch (IOException e) {
      // answered below
    }
    throw new HttpError(
        400, "malformed_json", "the request body must be a JSON object", "body", Map.of());
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(text.length() - max);
  }
}
