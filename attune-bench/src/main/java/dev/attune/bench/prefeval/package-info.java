/**
 * The PrefEval preference-recall harness: {@code ./attune eval prefeval}. It reads a
 * PrefEval-shaped dataset from a path (never copied into this repository), simulates users who
 * state preferences among unrelated chats, and checks that the context for a later request cites
 * the preference.
 */
@NullMarked
package dev.attune.bench.prefeval;

import org.jspecify.annotations.NullMarked;
