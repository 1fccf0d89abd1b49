/**
 * Assembly: turning retrieved items into prioritized blocks, fitting them to a token budget with a
 * real tokenizer, and rendering them with stored text framed as data. Internal to the engine.
 */
@NullMarked
package dev.attune.core.assembly;

import org.jspecify.annotations.NullMarked;
