package dev.attune.api;

/** {@code GET /health}. */
public record HealthBody(String status, String version) {}
