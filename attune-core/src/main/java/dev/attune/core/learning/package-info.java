/**
 * Learning from conversation: the offline heuristic extractor and the consolidation rules that
 * decide whether a candidate fact is new, a repeat, or replaces what was known.
 */
@NullMarked
package dev.attune.core.learning;

import org.jspecify.annotations.NullMarked;
