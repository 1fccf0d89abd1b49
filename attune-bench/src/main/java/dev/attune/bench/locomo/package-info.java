/**
 * The LoCoMo evidence-recall harness: {@code ./attune eval locomo}. It reads the dataset from a
 * path (it is never copied into this repository), observes each conversation through the public
 * API, and scores which gold evidence turns the returned items cite, beside raw-turn baselines.
 */
@NullMarked
package dev.attune.bench.locomo;

import org.jspecify.annotations.NullMarked;
