package dev.attune.core;

import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.UserRecord;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything held about one user. Vectors are left out (they are derived from the text and are
 * remade by the embedding model); everything else is here.
 *
 * @param user the user's row, or null if none
 * @param memories every memory in every status, newest first
 * @param episodes every episode, oldest first
 * @param history every memory's history, oldest first
 */
public record UserExport(
    @Nullable UserRecord user,
    List<Memory> memories,
    List<Episode> episodes,
    List<MemoryChange> history) {
  public UserExport {
    memories = List.copyOf(memories);
    episodes = List.copyOf(episodes);
    history = List.copyOf(history);
  }
}
