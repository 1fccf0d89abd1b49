/**
 * Attune in LangChain4j's AI services: {@link dev.attune.langchain4j.AttuneLangChain4j} gives a
 * {@code ContentRetriever} (the user's context for each call) and an AI-service listener (each
 * exchange observed afterwards), over the embedded engine or a remote service.
 */
@NullMarked
package dev.attune.langchain4j;

import org.jspecify.annotations.NullMarked;
