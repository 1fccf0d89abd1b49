/**
 * The embedded engine's front door: {@link dev.attune.core.Attune} and its requests, results and
 * exceptions.
 */
@NullMarked
package dev.attune.core;

import org.jspecify.annotations.NullMarked;
