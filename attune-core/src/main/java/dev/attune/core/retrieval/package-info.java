/**
 * Retrieval policy: the per-user working set, lexical BM25 (Lucene's English analysis) and dense
 * cosine scoring, fused, with recency and confidence. Internal to the engine; not a public API.
 */
@NullMarked
package dev.attune.core.retrieval;

import org.jspecify.annotations.NullMarked;
