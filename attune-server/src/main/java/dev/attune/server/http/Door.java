package dev.attune.server.http;

import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.KeyRole;
import java.util.Locale;

/**
 * The ways into a tenant's data, as the audit log names them. An entry's door follows from its
 * action, so the stored log needs no column of its own: MCP actions are {@code MCP tools/call
 * <tool>}, the proxy's are its routes, Attune's own decisions have the role {@code system}.
 */
enum Door {
  REST,
  PROXY,
  MCP,
  SYSTEM;

  private static final String MCP_ACTION = "MCP tools/call ";

  /** The audit action of an MCP tool call. */
  static String mcpAction(String tool) {
    return MCP_ACTION + tool;
  }

  static Door of(AuditEntry entry) {
    if (entry.role() == KeyRole.SYSTEM) {
      return SYSTEM;
    }
    if (entry.action().startsWith(MCP_ACTION)) {
      return MCP;
    }
    return entry.action().contains(" /v1/proxy/") ? PROXY : REST;
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
