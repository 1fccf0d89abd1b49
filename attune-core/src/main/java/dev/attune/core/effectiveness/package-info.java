/**
 * Is personalization helping? What Attune measures about its own effect: which injected items a
 * reply used ({@link dev.attune.core.learning.UtilizationMatcher}), experiment arms assigned by a
 * stable hash ({@link dev.attune.core.effectiveness.Experiment}), and the statistics that say
 * whether an arm differs from another ({@link dev.attune.core.effectiveness.Stats}).
 */
@NullMarked
package dev.attune.core.effectiveness;

import org.jspecify.annotations.NullMarked;
