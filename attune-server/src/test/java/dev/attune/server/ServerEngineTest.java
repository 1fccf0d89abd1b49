package dev.attune.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node id serve gives its engine: what lets a restarted process resume its claims at once. */
class ServerEngineTest {
  @TempDir Path dir;

  ServerConfig config(Map<String, String> settings) {
    Map<String, String> flags = new java.util.HashMap<>(settings);
    flags.put("data", dir.toString());
    return ServerConfig.resolve(flags, Map.of(), null);
  }

  @Test
  void aSqliteStoreKeepsItsNodeIdAcrossRestarts() throws Exception {
    String first = ServerEngine.nodeId(config(Map.of()));
    String again = ServerEngine.nodeId(config(Map.of()));
    assertThat(again).isEqualTo(first).startsWith("node_");
    assertThat(Files.readString(dir.resolve(ServerEngine.NODE_ID_FILE)).strip()).isEqualTo(first);
  }

  @Test
  void aConfiguredNodeIdWinsAndPostgresNodesGetANewOneEachStart() {
    assertThat(ServerEngine.nodeId(config(Map.of("node_id", "pod-0")))).isEqualTo("pod-0");
    Map<String, String> pg = Map.of("store", "jdbc:postgresql://localhost:5432/attune");
    assertThat(ServerEngine.nodeId(config(pg))).isNotEqualTo(ServerEngine.nodeId(config(pg)));
    assertThat(dir.resolve(ServerEngine.NODE_ID_FILE)).doesNotExist();
  }
}
