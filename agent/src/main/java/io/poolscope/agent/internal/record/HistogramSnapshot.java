package io.poolscope.agent.internal.record;

import java.util.ArrayList;
import java.util.List;

/** The sum of many threads' {@link Histogram}s at one export; owned by the export thread. */
public final class HistogramSnapshot {
  /** Counts per bucket. */
  public final long[] counts = new long[Buckets.COUNT];

  /** Number of recorded values. */
  public long count;

  /** Sum of the recorded values in nanoseconds. */
  public long sumNanos;

  /** Smallest value, valid when count &gt; 0. */
  public long minNanos = Long.MAX_VALUE;

  /** Largest value, valid when count &gt; 0. */
  public long maxNanos = Long.MIN_VALUE;

  /**
   * Bucket counts as the exporter wants them.
   *
   * @return the counts
   */
  public List<Long> countList() {
    List<Long> l = new ArrayList<>(counts.length);
    for (long c : counts) {
      l.add(c);
    }
    return l;
  }

  /**
   * Folds another snapshot in.
   *
   * @param o the other snapshot
   */
  public void add(HistogramSnapshot o) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += o.counts[i];
    }
    count += o.count;
    sumNanos += o.sumNanos;
    if (o.count > 0) {
      minNanos = Math.min(minNanos, o.minNanos);
      maxNanos = Math.max(maxNanos, o.maxNanos);
    }
  }
}
