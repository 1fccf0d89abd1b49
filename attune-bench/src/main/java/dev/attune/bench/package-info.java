/**
 * Benchmarks and evaluation: {@code ./attune bench ...} measures latency and throughput, {@code
 * ./attune eval ...} measures quality. Never deployed.
 */
@NullMarked
package dev.attune.bench;

import org.jspecify.annotations.NullMarked;
