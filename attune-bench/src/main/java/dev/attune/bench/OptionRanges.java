package dev.attune.bench;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Range checks for the harnesses' numeric options: a count that makes no sense (no users, a
 * negative pause) stops the command at once with its usage, naming the option, instead of a run
 * that measures nothing or fails half-way.
 */
public final class OptionRanges {
  private final CommandSpec spec;

  private OptionRanges(CommandSpec spec) {
    this.spec = spec;
  }

  public static OptionRanges of(CommandSpec spec) {
    return new OptionRanges(spec);
  }

  /** {@code value} of {@code option} must be at least {@code min}. */
  public OptionRanges atLeast(String option, long value, long min) {
    if (value < min) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at least " + min + "; got " + value);
    }
    return this;
  }

  /** Like {@link #atLeast}, for an option that may be left out. */
  public OptionRanges atLeastIfSet(String option, @Nullable Number value, long min) {
    return value == null ? this : atLeast(option, value.longValue(), min);
  }
}
