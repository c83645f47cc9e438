package io.poolscope.agent.internal.record;

/**
 * A single-writer duration histogram: only its owning thread records, with plain writes, so the hot
 * path has no atomic instruction. The export thread reads it racily; 64-bit fields do not tear on
 * the 64-bit JVMs the agent targets, and a value a few nanoseconds stale is harmless for a
 * cumulative export.
 */
public final class Histogram {
  final long[] counts = new long[Buckets.COUNT];
  long count;
  long sumNanos;
  long minNanos = Long.MAX_VALUE;
  long maxNanos = Long.MIN_VALUE;

  void record(long nanos) {
    if (nanos < 0) {
      nanos = 0;
    }
    counts[Buckets.index(nanos)]++;
    sumNanos += nanos;
    if (nanos < minNanos) {
      minNanos = nanos;
    }
    if (nanos > maxNanos) {
      maxNanos = nanos;
    }
    count++;
  }

  /**
   * Adds this histogram into a snapshot.
   *
   * @param into the snapshot
   */
  public void addTo(HistogramSnapshot into) {
    long c = count;
    for (int i = 0; i < counts.length; i++) {
      into.counts[i] += counts[i];
    }
    into.count += c;
    into.sumNanos += sumNanos;
    if (c > 0) {
      into.minNanos = Math.min(into.minNanos, minNanos);
      into.maxNanos = Math.max(into.maxNanos, maxNanos);
    }
  }
}
