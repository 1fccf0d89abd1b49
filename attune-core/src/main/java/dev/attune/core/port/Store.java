package dev.attune.core.port;

/**
 * Everything Attune keeps, as one type: the memory store, keys and audit, the durable queue of
 * observations, and what tells whether personalization helps. A store adapter implements all of it
 * (each part has its contract suite in core's test-jar), so the engine never asks at run time what
 * its store can do.
 */
public interface Store extends MemoryStore, AccessStore, ObservationLog, EffectivenessStore {}
