/**
 * Attune's memory as MCP tools ({@link dev.attune.server.mcp.MemoryTools}), served over stdio by
 * {@code ./attune mcp} and over Streamable HTTP on {@code serve}'s {@code /mcp}.
 */
@NullMarked
package dev.attune.server.mcp;

import org.jspecify.annotations.NullMarked;
