/** The engine's metrics in Micrometer: {@link dev.attune.metrics.MicrometerEngineMetrics}. */
@NullMarked
package dev.attune.metrics;

import org.jspecify.annotations.NullMarked;
