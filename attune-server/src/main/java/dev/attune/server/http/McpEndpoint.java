package dev.attune.server.http;

import dev.attune.api.ErrorBody;
import dev.attune.api.Json;
import dev.attune.core.Attune;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.Ids;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.UserId;
import dev.attune.server.mcp.MemoryTools;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * {@code /mcp}: Attune's memory tools over MCP's Streamable HTTP transport (the official SDK's
 * servlet, mounted beside Javalin's). Every request carries an Attune key as its bearer; the tools
 * act in the key's tenant, on the {@code user_id} a call names (a user token only on its own user).
 * A request without a valid key is answered 401 before MCP sees it.
 */
final class McpEndpoint implements AutoCloseable {
  static final String PATH = "/mcp";
  private static final String KEY_ATTRIBUTE = "attune.mcp.key";

  private final Gate gate;
  private final HttpServletStreamableServerTransportProvider transport;
  private final McpSyncServer server;
  private final long maxBodyBytes;

  McpEndpoint(Attune attune, Gate gate, String version, long maxBodyBytes) {
    this.gate = gate;
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
    MemoryTools tools = new MemoryTools(attune, new KeyCaller());
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
    public MemoryTools.Target resolve(McpSyncServerExchange exchange, Map<String, Object> args) {
      ApiKey key = (ApiKey) exchange.transportContext().get(KEY_ATTRIBUTE);
      Object named = args.get("user_id");
      if (named != null && !(named instanceof String)) {
        throw new IllegalArgumentException("user_id: must be a string");
      }
      if (key.role() == KeyRole.USER) {
        if (named != null && !named.equals(key.user().value())) {
          throw new IllegalArgumentException(
              "user_id: a user token may only act on its own user (" + key.user().value() + ")");
        }
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
      HttpServletRequest checked = McpGuard.checked(request, response, maxBodyBytes);
      if (checked == null) {
        return;
      }
      checked.setAttribute(KEY_ATTRIBUTE, key);
      McpGuard.ErrorCapture answer = new McpGuard.ErrorCapture(response, request.getMethod());
      transport.service(checked, answer);
      answer.finish();
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
