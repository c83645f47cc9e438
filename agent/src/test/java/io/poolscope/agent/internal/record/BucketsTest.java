package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bucket layout of every duration histogram: 0.1 s exact, fine enough that a percentile
 * interpolated within its bucket is about right, and a lookup that agrees with the plain
 * definition.
 */
class BucketsTest {

  /** Prometheus's histogram_quantile over a snapshot: linear within the bucket holding the rank. */
  static double quantile(double q, HistogramSnapshot h) {
    double rank = q * h.count;
    long below = 0;
    List<Double> bounds = Buckets.SECONDS;
    for (int i = 0; i < h.counts.length; i++) {
      long n = h.counts[i];
      if (below + n >= rank && n > 0) {
        if (i == bounds.size()) {
          return bounds.get(i - 1);
        }
        double lower = i == 0 ? 0 : bounds.get(i - 1);
        return lower + (bounds.get(i) - lower) * (rank - below) / n;
      }
      below += n;
    }
    return Double.NaN;
  }

  private static HistogramSnapshot constant(long nanos, int times) {
    Histogram h = new Histogram();
    for (int i = 0; i < times; i++) {
      h.record(nanos);
    }
    HistogramSnapshot s = new HistogramSnapshot();
    h.addTo(s);
    return s;
  }

  @Test
  void aOneSecondHoldReadsAboutOneSecond() {
    // Just above 1 s, as a one-second sleep measures: the worst place, right above a bound.
    HistogramSnapshot s = constant(1_000_400_000L, 500);
    assertThat(quantile(0.99, s)).isCloseTo(1.0, within(0.1));
    assertThat(quantile(0.5, s)).isCloseTo(1.0, within(0.1));
  }

  @Test
  void aQuarterSecondWaitReadsAboutAQuarterSecond() {
    HistogramSnapshot s = constant(250_300_000L, 500);
    assertThat(quantile(0.99, s)).isCloseTo(0.25, within(0.025));
    assertThat(quantile(0.5, s)).isCloseTo(0.25, within(0.025));
  }

  @Test
  void everyDurationFromOneMillisecondToTenSecondsReadsWithinElevenPercent() {
    for (long nanos = 1_000_000L; nanos <= 10_000_000_000L; nanos = nanos * 103 / 100) {
      double p99 = quantile(0.99, constant(nanos, 100));
      assertThat(p99 / (nanos / 1e9)).as("p99 of %d ns", nanos).isBetween(0.89, 1.112);
    }
  }

  @Test
  void oneTenthOfASecondIsABoundExactlySoWaitsAboveItAreAnExactCount() {
    assertThat(Buckets.SECONDS).contains(0.1);
    int i = Buckets.SECONDS.indexOf(0.1);
    assertThat(Buckets.NANOS[i]).isEqualTo(100_000_000L);
    assertThat(Buckets.index(100_000_000L)).isEqualTo(i);
    assertThat(Buckets.index(100_000_001L)).isEqualTo(i + 1);
  }

  @Test
  void theCoarseBoundsAreStillBoundsSoFineCountsSumIntoThem() {
    assertThat(Buckets.SECONDS)
        .contains(
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            60.0, 300.0)
        .isSorted()
        .doesNotHaveDuplicates();
  }

  @Test
  void theTableLookupAgreesWithTheDefinitionEverywhere() {
    for (long b : Buckets.NANOS) {
      for (long v = Math.max(0, b - 2); v <= b + 2; v++) {
        assertThat(Buckets.index(v)).as("%d ns", v).isEqualTo(Buckets.linearIndex(v));
      }
    }
    SplittableRandom random = new SplittableRandom(16);
    for (int i = 0; i < 200_000; i++) {
      // Spread over every order of magnitude, from 0 to beyond the last bound.
      long v = random.nextLong(1L << random.nextInt(1, 62));
      assertThat(Buckets.index(v)).as("%d ns", v).isEqualTo(Buckets.linearIndex(v));
    }
    assertThat(Buckets.index(0)).isZero();
    assertThat(Buckets.index(Long.MAX_VALUE)).isEqualTo(Buckets.COUNT - 1);
  }
}
