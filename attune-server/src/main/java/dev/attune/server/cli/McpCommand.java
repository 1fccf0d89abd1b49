package dev.attune.server.cli;

import dev.attune.core.Attune;
import dev.attune.core.model.Ids;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.server.mcp.MemoryTools;
import dev.attune.server.mcp.StdioLines;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./attune mcp --user U}: Attune's memory tools for one user over MCP on stdin and stdout,
 * for desktop agents and IDEs that start their MCP servers as processes. Stdout carries only
 * JSON-RPC; logs go to stderr. It runs until stdin closes.
 */
@Command(
    name = "mcp",
    description =
        "Serve the user's memory as MCP tools on stdin/stdout (get_context, remember,"
            + " search_memories, list_memories, forget_memory), until stdin closes.")
final class McpCommand implements Callable<Integer> {
  @Mixin EngineOptions engine;

  @Option(
      names = "--user",
      required = true,
      paramLabel = "U",
      description = "The user every tool call is about.")
  String user;

  @Override
  public Integer call() throws InterruptedException {
    UserId userId = UserId.of(Ids.check("--user", user));
    TenantId tenant = engine.tenant();
    CountDownLatch closed = new CountDownLatch(1);
    // Lines that are not JSON-RPC messages are answered here: the SDK would stop reading at one.
    StdioLines lines = new StdioLines(System.in, System.out);
    InputStream in =
        new FilterInputStream(lines.input()) {
          @Override
          public int read() throws IOException {
            return ended(super.read());
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return ended(super.read(b, off, len));
          }

          private int ended(int n) {
            if (n < 0) {
              closed.countDown();
            }
            return n;
          }
        };
    try (Attune attune = engine.open()) {
      MemoryTools tools =
          new MemoryTools(
              attune, (exchange, tool, args) -> new MemoryTools.Target(tenant, userId, "mcp"));
      McpSyncServer server =
          McpServer.sync(
                  new StdioServerTransportProvider(McpJsonDefaults.getMapper(), in, lines.output()))
              .serverInfo("attune", "0.1.0")
              .instructions(MemoryTools.INSTRUCTIONS)
              .validateToolInputs(MemoryTools.SDK_INPUT_VALIDATION)
              .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
              .tools(tools.specifications())
              .build();
      closed.await();
      server.closeGracefully();
    }
    return 0;
  }
}
