package io.poolscope.collector.internal.fleet;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A reset-safe cumulative explicit-bucket histogram plus a few spaced snapshots, so a quantile
 * "over the last minute" is the quantile of the difference between now and a minute ago.
 */
final class HistogramState {
  static final long WINDOW_MILLIS = 60_000;

  private double[] bounds = null;
  private long[] totals = new long[1];
  private double sum;
  private long[] lastRaw;
  private double lastRawSum;
  private long lastStart;
  private long firstSeen = Long.MIN_VALUE;
  private double lastP99;
  private final Deque<long[]> snapshots = new ArrayDeque<>();
  private final Deque<Long> snapshotTimes = new ArrayDeque<>();

  void apply(HistogramReading h, long now) {
    long startNanos = h.startNanos();
    if (bounds == null || !Arrays.equals(bounds, h.bounds())) {
      // New bucket layout (agent upgrade): earlier totals cannot be merged into it.
      bounds = h.bounds().clone();
      totals = new long[h.counts().length];
      sum = 0;
      lastRaw = null;
      snapshots.clear();
      snapshotTimes.clear();
      firstSeen = now;
    }
    long[] counts = h.counts();
    if (h.delta()) {
      add(counts, h.sum());
    } else {
      boolean restarted =
          lastRaw != null
              && (isLower(counts, lastRaw)
                  || (startNanos != 0 && lastStart != 0 && startNanos != lastStart));
      if (lastRaw == null || restarted) {
        add(counts, h.sum());
      } else {
        long[] diff = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
          diff[i] = counts[i] - lastRaw[i];
        }
        add(diff, h.sum() - lastRawSum);
      }
      lastRaw = counts.clone();
      lastRawSum = h.sum();
      lastStart = startNanos;
    }
    if (snapshotTimes.isEmpty() || now - snapshotTimes.peekLast() >= WINDOW_MILLIS / 6) {
      snapshots.addLast(totals.clone());
      snapshotTimes.addLast(now);
    }
    // Keep the newest snapshot that is at least a window old: it is the baseline.
    while (snapshotTimes.size() > 1 && secondTime() <= now - WINDOW_MILLIS) {
      snapshots.removeFirst();
      snapshotTimes.removeFirst();
    }
    // Computed once per export rather than on every read: a fleet view of 10,000 pods reads
    // 40,000 of these, and the figure only changes when the pod reports.
    lastP99 = p99(now);
  }

  /** The 0.99 quantile over the minute before the last report. */
  double lastP99() {
    return lastP99;
  }

  private long secondTime() {
    java.util.Iterator<Long> it = snapshotTimes.iterator();
    it.next();
    return it.next();
  }

  private static boolean isLower(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] < b[i]) {
        return true;
      }
    }
    return false;
  }

  private void add(long[] counts, double s) {
    for (int i = 0; i < counts.length && i < totals.length; i++) {
      totals[i] += counts[i];
    }
    sum += s;
  }

  double[] bounds() {
    return bounds == null ? new double[0] : bounds;
  }

  long[] totals() {
    return totals;
  }

  double sum() {
    return sum;
  }

  long count() {
    long c = 0;
    for (long t : totals) {
      c += t;
    }
    return c;
  }

  /** The 0.99 quantile of observations in the last minute; 0 when there were none. */
  double p99(long now) {
    long[] base = null;
    if (!snapshotTimes.isEmpty() && firstSeen <= now - WINDOW_MILLIS) {
      // Seen for longer than a window: subtract the state of about a minute ago.
      base = snapshots.peekFirst();
    }
    long[] delta = new long[totals.length];
    long n = 0;
    for (int i = 0; i < totals.length; i++) {
      delta[i] = totals[i] - (base == null ? 0 : base[i]);
      n += delta[i];
    }
    return quantile(0.99, bounds(), delta, n);
  }

  static double quantile(double q, double[] bounds, long[] counts, long n) {
    if (n <= 0) {
      return 0;
    }
    double rank = q * n;
    long cum = 0;
    for (int i = 0; i < counts.length; i++) {
      long prev = cum;
      cum += counts[i];
      if (cum >= rank && counts[i] > 0) {
        if (i >= bounds.length) {
          // Above the last bound nothing more precise is known.
          return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
        }
        double lower = i == 0 ? Math.min(0, bounds[0]) : bounds[i - 1];
        double upper = bounds[i];
        if (cum == rank) {
          // Exactly at a bucket's top: its bound, so "p99 <= 0.1 s" holds without rounding noise.
          return upper;
        }
        return lower + (upper - lower) * (rank - prev) / counts[i];
      }
    }
    return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
  }
}
