/**
 * Model adapters over LangChain4j. {@link dev.attune.models.LocalEmbedder} runs the quantized
 * all-MiniLM-L6-v2 sentence encoder in process (ONNX Runtime, model inside the jar, no network).
 */
@NullMarked
package dev.attune.models;

import org.jspecify.annotations.NullMarked;
