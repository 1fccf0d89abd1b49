/**
 * The engine's jobs behind the {@link dev.attune.core.Attune} facade, each in a class named for it:
 * {@link dev.attune.core.internal.ContextService} answers context requests from {@link
 * dev.attune.core.internal.WorkingSets}; {@link dev.attune.core.internal.Intake} accepts observed
 * messages (validated by their request, redacted once, stored or queued) and {@link
 * dev.attune.core.internal.Learner} learns from them; {@link dev.attune.core.internal.MemoryEditor}
 * and {@link dev.attune.core.internal.UserRecords} carry out explicit changes; {@link
 * dev.attune.core.internal.Maintenance} reindexes, warms up and enforces retention; {@link
 * dev.attune.core.internal.ObservationWorker} and {@link
 * dev.attune.core.internal.ExtractionFlusher} work in the background.
 *
 * <p>Internal: not part of Attune's API and may change in any release. Use {@link
 * dev.attune.core.Attune}.
 */
@NullMarked
package dev.attune.core.internal;

import org.jspecify.annotations.NullMarked;
