package io.poolscope.agent.internal.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {
  static final long INTERVAL = 10_000;
  static final long CAP = 300_000;

  /** A random source that returns the given values in turn, then the last one forever. */
  static final class Fixed implements java.util.function.DoubleSupplier {
    private final double[] values;
    private int i;

    Fixed(double... values) {
      this.values = values;
    }

    @Override
    public double getAsDouble() {
      return values[Math.min(i++, values.length - 1)];
    }
  }

  @Test
  void failuresDoubleTheDelayFromTwoIntervalsUpToTheCap() {
    BackoffPolicy p = new BackoffPolicy(INTERVAL, CAP, new Fixed(0.0));
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      delays.add(p.failure(-1));
    }
    assertThat(delays)
        .containsExactly(
            20_000L, 40_000L, 80_000L, 160_000L, 300_000L, 300_000L, 300_000L, 300_000L);
    assertThat(p.failures()).isEqualTo(8);
  }

  @Test
  void jitterTakesOffUpToAQuarterOfTheDelayAndNeverGoesBelowTheInterval() {
    BackoffPolicy low = new BackoffPolicy(INTERVAL, CAP, new Fixed(0.999999));
    assertThat(low.failure(-1)).isEqualTo(15_001L); // 20 s less just under 25 %
    assertThat(low.failure(-1)).isEqualTo(30_001L);
    for (int i = 0; i < 5; i++) {
      low.failure(-1);
    }
    assertThat(low.failure(-1)).isEqualTo(225_001L); // the cap less just under 25 %
    BackoffPolicy half = new BackoffPolicy(INTERVAL, CAP, new Fixed(0.5));
    assertThat(half.failure(-1)).isEqualTo(17_500L);
    // A cap of one interval turns backoff off: never sooner than the interval.
    BackoffPolicy flat = new BackoffPolicy(INTERVAL, INTERVAL, new Fixed(0.999));
    assertThat(flat.failure(-1)).isEqualTo(INTERVAL);
    assertThat(flat.failure(-1)).isEqualTo(INTERVAL);
  }

  @Test
  void realRandomDelaysStayInTheirRangeAndDiffer() {
    Random r = new Random(42);
    Set<Long> seen = new HashSet<>();
    for (int run = 0; run < 200; run++) {
      BackoffPolicy p = new BackoffPolicy(INTERVAL, CAP, r::nextDouble);
      long base = INTERVAL;
      for (int n = 1; n <= 7; n++) {
        base = Math.min(CAP, base * 2);
        long d = p.failure(-1);
        assertThat(d).isGreaterThan(base * 3 / 4).isLessThanOrEqualTo(base);
        if (n == 7) {
          seen.add(d);
        }
      }
    }
    // 200 pods at the cap do not come back at the same moment.
    assertThat(seen.size()).isGreaterThan(150);
  }

  @Test
  void successReturnsToTheIntervalAndRestartsTheSequence() {
    BackoffPolicy p = new BackoffPolicy(INTERVAL, CAP, new Fixed(0.0));
    p.failure(-1);
    p.failure(-1);
    assertThat(p.failure(-1)).isEqualTo(80_000L);
    assertThat(p.success()).isEqualTo(INTERVAL);
    assertThat(p.failures()).isZero();
    assertThat(p.failure(-1)).isEqualTo(20_000L);
  }

  @Test
  void retryAfterIsAFloorSpreadUpwardAndCapped() {
    // Asked 60 s after the first failure (backoff 20 s): 60 s plus up to a quarter.
    assertThat(new BackoffPolicy(INTERVAL, CAP, new Fixed(0.0)).failure(60_000)).isEqualTo(60_000L);
    assertThat(new BackoffPolicy(INTERVAL, CAP, new Fixed(0.5)).failure(60_000)).isEqualTo(67_500L);
    // Shorter than the backoff: the backoff wins.
    assertThat(new BackoffPolicy(INTERVAL, CAP, new Fixed(0.0)).failure(5_000)).isEqualTo(20_000L);
    // An hour asked: the cap, so a misconfigured collector cannot silence a fleet for longer.
    assertThat(new BackoffPolicy(INTERVAL, CAP, new Fixed(0.9)).failure(3_600_000)).isEqualTo(CAP);
    // Close below the cap: spread, but never past it.
    assertThat(new BackoffPolicy(INTERVAL, CAP, new Fixed(0.9)).failure(280_000)).isEqualTo(CAP);
  }

  @Test
  void firstExportStartsBetweenHalfAndOneInterval() {
    assertThat(new BackoffPolicy(INTERVAL, CAP, new Fixed(0.0)).firstDelay()).isEqualTo(INTERVAL);
    assertThat(new BackoffPolicy(INTERVAL, CAP, new Fixed(0.5)).firstDelay()).isEqualTo(7_500L);
    assertThat(new BackoffPolicy(INTERVAL, CAP, new Fixed(0.999999)).firstDelay())
        .isEqualTo(5_001L);
  }

  @Test
  void defaultCapIsThirtyIntervalsAtMostFiveMinutes() {
    assertThat(BackoffPolicy.defaultCapMillis(10_000)).isEqualTo(300_000L);
    assertThat(BackoffPolicy.defaultCapMillis(200)).isEqualTo(6_000L);
    assertThat(BackoffPolicy.defaultCapMillis(60_000)).isEqualTo(300_000L);
    assertThat(BackoffPolicy.defaultCapMillis(600_000)).isEqualTo(600_000L);
    assertThatThrownBy(() -> new BackoffPolicy(10_000, 5_000, Math::random))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    long now = 1_800_000_000_000L;
    assertThat(BackoffPolicy.retryAfterMillis("120", now)).isEqualTo(120_000L);
    assertThat(BackoffPolicy.retryAfterMillis(" 3 ", now)).isEqualTo(3_000L);
    assertThat(BackoffPolicy.retryAfterMillis("99999999999999", now)).isEqualTo(86_400_000L);
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(now + 90_000), ZoneOffset.UTC));
    assertThat(BackoffPolicy.retryAfterMillis(date, now)).isEqualTo(90_000L);
    assertThat(BackoffPolicy.retryAfterMillis(date, now + 100_000)).isZero();
    assertThat(BackoffPolicy.retryAfterMillis(null, now)).isEqualTo(-1L);
    assertThat(BackoffPolicy.retryAfterMillis("soon", now)).isEqualTo(-1L);
    assertThat(BackoffPolicy.retryAfterMillis("-5", now)).isEqualTo(-1L);
  }
}
