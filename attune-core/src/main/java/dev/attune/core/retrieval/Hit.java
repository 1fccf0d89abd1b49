package dev.attune.core.retrieval;

import dev.attune.core.model.Episode;
import dev.attune.core.model.Memory;
import org.jspecify.annotations.Nullable;

/**
 * One retrieved document: a memory or an episode, with its fused score.
 *
 * @param doc the document number within its working set
 * @param score fused score, higher is better
 * @param memory the memory, for a memory document
 * @param episode the episode, for an episode document
 * @param passage for an episode embedded passage by passage, the passage that matched best (an
 *     index into {@link WorkingSet#passages}); 0 otherwise
 */
public record Hit(
    int doc, double score, @Nullable Memory memory, @Nullable Episode episode, int passage) {}
