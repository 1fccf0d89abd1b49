/**
 * {@code ./attune eval extraction}: what the offline extractor makes of real conversations, against
 * LoCoMo's generated observations and against Attune's own labelled set of user turns.
 */
@NullMarked
package dev.attune.bench.extraction;

import org.jspecify.annotations.NullMarked;
