package dev.attune.server.http;

import dev.attune.api.ErrorBody;
import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Ids;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.UserId;
import dev.attune.server.mcp.JsonRpc;
import dev.attune.server.mcp.MemoryTools;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.jspecify.annotations.Nullable;

/**
 * {@code /mcp}: Attune's memory tools over MCP's Streamable HTTP transport (the official SDK's
 * servlet, mounted beside Javalin's). Every request carries an Attune key as its bearer; the tools
 * act in the key's tenant, on the {@code user_id} a call names, as {@link AccessPolicy} allows
 * (each tool is an {@link Operation}: {@link #TOOL_OPERATIONS}); every call is audited, as a REST
 * request is. A request without a valid key is answered 401 before MCP sees it.
 */
final class McpEndpoint implements AutoCloseable {
  static final String PATH = "/mcp";
  private static final String KEY_ATTRIBUTE = "attune.mcp.key";

  private final Gate gate;
  private final HttpServletStreamableServerTransportProvider transport;
  private final McpSyncServer server;
  private final long maxBodyBytes;

  /** Which operation of {@link AccessPolicy}'s table each tool performs. */
  static final Map<String, Operation> TOOL_OPERATIONS =
      Map.of(
          "get_context", Operation.READ_CONTEXT,
          "remember", Operation.WRITE_MEMORY,
          "search_memories", Operation.READ_MEMORIES,
          "list_memories", Operation.READ_MEMORIES,
          "forget_memory", Operation.DELETE_MEMORY);

  /** The methods {@link #PATH} answers (for the API document's test). */
  static final List<String> METHODS = List.of("POST", "GET", "DELETE");

  private final AuditRecorder audit;
  private final InstantSource clock;
  private final AtomicLong eventIds = new AtomicLong();

  /**
   * @param audit where every tool call is recorded, allowed or refused, before it is answered
   */
  McpEndpoint(
      Attune attune,
      Gate gate,
      AuditRecorder audit,
      InstantSource clock,
      String version,
      long maxBodyBytes) {
    this.gate = gate;
    this.audit = audit;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
    this.transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(McpJsonDefaults.getMapper())
            .mcpEndpoint(PATH)
            .contextExtractor(
                request ->
                    McpTransportContext.create(
                        Map.of(KEY_ATTRIBUTE, request.getAttribute(KEY_ATTRIBUTE))))
            .build();
    MemoryTools tools = new MemoryTools(attune, new KeyCaller(), this::record);
    this.server =
        McpServer.sync(transport)
            .serverInfo("attune", version)
            .instructions(MemoryTools.INSTRUCTIONS)
            .validateToolInputs(MemoryTools.SDK_INPUT_VALIDATION)
            .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
            .tools(tools.specifications())
            .build();
  }

  /** Mounts the endpoint in Javalin's servlet context. */
  void mount(ServletContextHandler handler) {
    ServletHolder holder = new ServletHolder(new Authenticated());
    holder.setAsyncSupported(true);
    handler.addServlet(holder, PATH);
  }

  @Override
  public void close() {
    server.closeGracefully();
  }

  /** The caller of an HTTP tool call: the key's tenant, the user it names or is bound to. */
  private static final class KeyCaller implements MemoryTools.Caller {
    @Override
    public MemoryTools.Target resolve(
        McpSyncServerExchange exchange, String tool, Map<String, Object> args) {
      ApiKey key = key(exchange);
      Object named = args.get("user_id");
      if (named != null && !(named instanceof String)) {
        throw new IllegalArgumentException("user_id: must be a string");
      }
      Operation operation = TOOL_OPERATIONS.get(tool);
      if (operation == null) {
        throw new IllegalStateException("the tool " + tool + " has no operation in the policy");
      }
      String refused = AccessPolicy.refusal(key, operation, (String) named);
      if (refused != null) {
        throw McpError.builder(JsonRpc.FORBIDDEN)
            .message(refused)
            .data(Map.of("status", 403, "tool", tool))
            .build();
      }
      if (key.role() == KeyRole.USER) {
        return new MemoryTools.Target(key.tenant(), key.user(), "user:" + key.user().value());
      }
      if (named == null) {
        throw new IllegalArgumentException("user_id: required");
      }
      UserId user = UserId.of(Ids.check("user_id", (String) named));
      return new MemoryTools.Target(key.tenant(), user, "api:" + key.id());
    }

    @Override
    public boolean takesUserId() {
      return true;
    }
  }

  private static ApiKey key(McpSyncServerExchange exchange) {
    return (ApiKey) exchange.transportContext().get(KEY_ATTRIBUTE);
  }

  /** A tool call's audit entry, committed before the call is answered (as REST's are). */
  private void record(
      McpSyncServerExchange exchange,
      String tool,
      @Nullable String user,
      @Nullable String target,
      int status) {
    ApiKey key = key(exchange);
    UserId named = null;
    if (user != null) {
      try {
        named = UserId.of(Ids.check("user_id", user));
      } catch (RuntimeException notAnId) {
        // refused as such; the entry names no user
      }
    }
    audit.record(
        key.tenant(),
        new AuditEntry(
            clock.instant(), key.id(), key.role(), Door.mcpAction(tool), named, target, status));
  }

  /**
   * Lets a request through to MCP only with a valid Attune key, within its rate, with a body that
   * is one JSON-RPC message; what the SDK answers in error goes out as a JSON-RPC error.
   */
  private final class Authenticated extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException, jakarta.servlet.ServletException {
      ApiKey key;
      try {
        key =
            gate.verify(
                Gate.bearer(request.getHeader("Authorization")),
                "missing Attune key: send Authorization: Bearer <key>");
        gate.throttle(key);
      } catch (HttpError refused) {
        refused.headers.forEach(response::setHeader);
        refuse(response, refused.status, refused.code, refused.getMessage());
        return;
      }
      HttpServletRequest checked =
          McpGuard.checked(request, response, maxBodyBytes, TOOL_OPERATIONS.keySet());
      if (checked == null) {
        return;
      }
      checked.setAttribute(KEY_ATTRIBUTE, key);
      McpGuard.ErrorCapture answer =
          new McpGuard.ErrorCapture(response, request.getMethod(), eventIds);
      transport.service(checked, answer);
      answer.finish();
      if ("GET".equalsIgnoreCase(request.getMethod())
          && answer.getStatus() == 200
          && !response.isCommitted()) {
        // The SDK holds a listening stream's headers until its first event, which may be never:
        // a client waiting for them would time out. Send them now.
        response.flushBuffer();
      }
    }

    private static void refuse(HttpServletResponse response, int status, String code, String m)
        throws IOException {
      response.setStatus(status);
      response.setContentType("application/json");
      response
          .getOutputStream()
          .write(Json.write(ErrorBody.of(code, m, null)).getBytes(StandardCharsets.UTF_8));
    }
  }
}
