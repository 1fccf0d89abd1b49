package dev.attune.core.port;

import java.time.LocalDate;

/**
 * A tenant's model calls on one day (UTC) for one operation and model.
 *
 * @param calls every call, failed ones included
 * @param failures calls that failed or gave no usable reply
 * @param latencyMillis the calls' summed duration
 */
public record UsageRow(
    LocalDate day,
    String operation,
    String model,
    long calls,
    long failures,
    long inputTokens,
    long outputTokens,
    long latencyMillis) {}
