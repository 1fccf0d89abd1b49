package dev.attune.core.api;

import dev.attune.core.effectiveness.ContextRecord;
import dev.attune.core.effectiveness.Correction;
import dev.attune.core.effectiveness.Feedback;
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
 * @param contexts the records of the contexts served to the user (ids and counts), newest first
 * @param feedback the application's feedback about the user, oldest first
 * @param corrections the user's corrections, oldest first
 */
public record UserExport(
    @Nullable UserRecord user,
    List<Memory> memories,
    List<Episode> episodes,
    List<MemoryChange> history,
    List<ContextRecord> contexts,
    List<Feedback> feedback,
    List<Correction> corrections) {
  public UserExport {
    memories = List.copyOf(memories);
    episodes = List.copyOf(episodes);
    history = List.copyOf(history);
    contexts = List.copyOf(contexts);
    feedback = List.copyOf(feedback);
    corrections = List.copyOf(corrections);
  }
}
