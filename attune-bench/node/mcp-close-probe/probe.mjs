// Connects the MCP TypeScript SDK's Streamable HTTP client to Attune's /mcp, calls get_context,
// waits IDLE ms (default 0), ends the session when TERMINATE=1, closes, waits 8 s for anything
// the client reports late, and prints how many errors it reported (onerror and console.error).
// Usage: node probe.mjs http://127.0.0.1:8080/mcp <admin or service key>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, key] = process.argv.slice(2);
if (!url || !key) {
  console.log("usage: node probe.mjs <mcp url> <key>");
  process.exit(2);
}
let errors = 0;
const consoleError = console.error;
console.error = (...args) => {
  errors++;
  consoleError("[console.error]", ...args);
};
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${key}` } },
});
const client = new Client({ name: "attune-close-probe", version: "1.0.0" });
client.onerror = (e) => {
  errors++;
  console.log("[onerror]", e.message);
};
await client.connect(transport);
await client.callTool({ name: "get_context", arguments: { user_id: "ann", query: "dinner" } });
await new Promise((r) => setTimeout(r, Number(process.env.IDLE || 0)));
if (process.env.TERMINATE === "1") {
  await transport.terminateSession();
}
await client.close();
await new Promise((r) => setTimeout(r, 8000));
console.log("errors:", errors);
process.exit(0);
