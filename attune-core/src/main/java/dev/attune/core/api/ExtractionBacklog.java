package dev.attune.core.api;

/**
 * How many messages of a tenant await extraction, and how many of them failed at least once.
 *
 * @param awaiting messages stored and not yet extracted
 * @param failedAtLeastOnce of those, the ones a chat model failed on at least once
 */
public record ExtractionBacklog(long awaiting, long failedAtLeastOnce) {}
