package dev.attune.core.internal;

import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Supplier;

/** The engine's clock at the precision stores keep (microseconds), so that reads equal writes. */
public final class EngineClock implements Supplier<Instant> {
  private final InstantSource source;

  public EngineClock(InstantSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public Instant get() {
    return source.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
