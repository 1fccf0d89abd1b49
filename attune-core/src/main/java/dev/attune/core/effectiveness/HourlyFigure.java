package dev.attune.core.effectiveness;

import java.time.Instant;

/** One figure of one hour of a tenant (a counter's sum or a gauge's last value), as stored. */
public record HourlyFigure(Instant hour, String name, long value) {}
