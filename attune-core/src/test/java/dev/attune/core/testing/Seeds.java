package dev.attune.core.testing;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Seeds for randomized tests: the same every run (so CI is repeatable), each shown in the test's
 * name (so a failure says which to replay), and another set with {@code -Dattune.seed=N} to look
 * further. A test builds everything it draws from {@code new Random(seed)}.
 */
public final class Seeds {
  private static final long DEFAULT_BASE = 20_261_130L;

  private Seeds() {}

  /** {@code count} seeds derived from the base seed. */
  public static Stream<Long> of(int count) {
    long base = Long.getLong("attune.seed", DEFAULT_BASE);
    SplittableRandom random = new SplittableRandom(base);
    return LongStream.generate(random::nextLong).limit(count).boxed();
  }
}
