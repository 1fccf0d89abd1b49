package dev.attune.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  @Test
  void secondsAnHttpDateOrNothingReadableAllGiveAWait() {
    assertThat(AttuneClient.retryAfterSeconds("7")).isEqualTo(7);
    assertThat(AttuneClient.retryAfterSeconds(" 3 ")).isEqualTo(3);
    // A proxy in front may send a date (RFC 9110); it once made the client throw
    // NumberFormatException instead of the RateLimited exception.
    String inAMinute =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
    assertThat(AttuneClient.retryAfterSeconds(inAMinute)).isBetween(55L, 60L);
    assertThat(AttuneClient.retryAfterSeconds("soon")).isEqualTo(1);
    assertThat(AttuneClient.retryAfterSeconds(null)).isEqualTo(1);
    assertThat(AttuneClient.retryAfterSeconds("-5")).isZero();
  }
}
