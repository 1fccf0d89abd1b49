/** Token counting with a real BPE tokenizer (jtokkit): no characters-divided-by-four estimates. */
@NullMarked
package dev.attune.core.tokens;

import org.jspecify.annotations.NullMarked;
