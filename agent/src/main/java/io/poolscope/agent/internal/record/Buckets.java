package io.poolscope.agent.internal.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The explicit histogram buckets of every duration metric. 0.1 s is a boundary, so "waits above 100
 * ms" is an exact count. From 1 ms to 10 s two neighbouring bounds are at most 11% apart, so a
 * percentile interpolated within its bucket (as Prometheus's {@code histogram_quantile} does) is
 * within about 10% of the true value: a constant 1 s hold reads at most 1.1 s, a 250 ms wait at
 * most 275 ms. Every bound of the earlier, coarse layout (0.001, 0.0025, 0.005, 0.01 ... 2.5, 5,
 * 10, 30, 60, 300) is still a bound, so a consumer can sum the fine buckets into those exactly.
 */
public final class Buckets {

  /**
   * Bounds within one decade, times 10^k for k = -3 .. 0 (1 ms to 9 s): 1, 2.5 and 5 are among
   * them, and neighbours are at most 11% apart.
   */
  private static final double[] DECADE = {
    1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.75, 1.9, 2.1, 2.3, 2.5, 2.75, 3, 3.25, 3.5, 3.8, 4.2, 4.6, 5,
    5.5, 6, 6.5, 7, 7.5, 8.2, 9
  };

  /** Below 1 ms (healthy pools' waits) and above 10 s (leaks, stuck waits): coarse on purpose. */
  private static final double[] BELOW = {0.0001, 0.00025, 0.0005};

  private static final double[] ABOVE = {10, 15, 20, 30, 60, 120, 300};

  /** Upper bounds in seconds, as exported. */
  public static final List<Double> SECONDS;

  /** The same bounds in nanoseconds, compared on the hot path. */
  static final long[] NANOS;

  /**
   * For each range of values with the same highest bit and the same next two bits, the first bucket
   * a value of that range can fall in; {@link #index} starts its search there.
   */
  private static final short[] START = new short[64 * 4];

  static {
    List<Double> list = new ArrayList<>();
    for (double b : BELOW) {
      list.add(b);
    }
    for (int exp = -3; exp <= 0; exp++) {
      for (double m : DECADE) {
        // Parsed back from text, so 0.1 is the double "0.1" (what the contract and a rule's
        // "0.1" mean), not 1 x 10^-1 with a rounding error.
        list.add(Double.parseDouble(m + "E" + exp));
      }
    }
    for (double b : ABOVE) {
      list.add(b);
    }
    NANOS = new long[list.size()];
    for (int i = 0; i < NANOS.length; i++) {
      NANOS[i] = Math.round(list.get(i) * 1e9);
    }
    SECONDS = Collections.unmodifiableList(list);
    for (int range = 0; range < START.length; range++) {
      START[range] = (short) linearIndex(lowest(range));
    }
  }

  /** Number of buckets: one more than bounds. */
  public static final int COUNT = NANOS.length + 1;

  private Buckets() {}

  /**
   * The bucket a duration falls in; bucket i counts (bound[i-1], bound[i]]. A table lookup on the
   * value's top three bits, then at most a few comparisons: no loop over all bounds on the hot
   * path.
   */
  static int index(long nanos) {
    long[] b = NANOS;
    int i = START[range(nanos)];
    while (i < b.length && nanos > b[i]) {
      i++;
    }
    return i;
  }

  /** Highest set bit (0 for 0 and 1) and the two bits after it; values are never negative. */
  private static int range(long nanos) {
    int high = 63 - Long.numberOfLeadingZeros(nanos | 1);
    int next = high >= 2 ? (int) (nanos >>> (high - 2)) & 3 : 0;
    return (high << 2) | next;
  }

  /** The smallest value whose {@link #range} is this one. */
  private static long lowest(int range) {
    int high = range >>> 2;
    if (high < 2) {
      return high == 0 ? 0 : 2;
    }
    return (4L | (range & 3)) << (high - 2);
  }

  /** The reference definition, used to build the table and by the tests. */
  static int linearIndex(long nanos) {
    long[] b = NANOS;
    int i = 0;
    while (i < b.length && nanos > b[i]) {
      i++;
    }
    return i;
  }
}
