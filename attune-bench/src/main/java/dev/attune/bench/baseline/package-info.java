/**
 * What the evaluations measure Attune against: raw-turn retrievers (BM25, dense, recency, their
 * fusion) and the scored item a harness compares, shared by every harness.
 */
@NullMarked
package dev.attune.bench.baseline;

import org.jspecify.annotations.NullMarked;
