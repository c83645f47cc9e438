package io.poolscope.benchmarks.internal.load;

import java.util.Arrays;
import java.util.Locale;

/**
 * Every latency of one kind of request, in microseconds. Kept whole rather than bucketed: a
 * 5-minute run of 10,000 pods is 300,000 values (2.4 MB), and exact p99 and max are worth that.
 */
public final class Latencies {

  private long[] micros = new long[1 << 12];
  private int count;

  /** Records one latency. */
  public synchronized void add(long nanos) {
    if (count == micros.length) {
      micros = Arrays.copyOf(micros, count * 2);
    }
    micros[count++] = nanos / 1000;
  }

  /** Number of latencies recorded. */
  public synchronized int count() {
    return count;
  }

  /** Quantile q (0..1) in milliseconds (nearest rank, as {@link #describe}), NaN when empty. */
  public synchronized double quantileMillis(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(micros, count);
    Arrays.sort(sorted);
    return at(sorted, q);
  }

  /** "n=.., p50=.. ms, p99=.. ms, max=.. ms". */
  public synchronized String describe() {
    if (count == 0) {
      return "n=0";
    }
    long[] sorted = Arrays.copyOf(micros, count);
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "n=%d, p50=%.1f ms, p99=%.1f ms, max=%.1f ms",
        count,
        at(sorted, 0.50),
        at(sorted, 0.99),
        sorted[count - 1] / 1000.0);
  }

  private static double at(long[] sorted, double q) {
    // Nearest rank: the value at or below which a fraction q of the requests fall.
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1000.0;
  }
}
