/** {@code ./attune eval utilization}: the utilization matcher against Attune's labelled set. */
@NullMarked
package dev.attune.bench.utilization;

import org.jspecify.annotations.NullMarked;
