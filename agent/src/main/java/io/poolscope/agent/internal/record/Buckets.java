package io.poolscope.agent.internal.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The explicit histogram buckets of every duration metric. 0.1 s is a boundary, so "waits above 100
 * ms" is an exact count.
 */
public final class Buckets {

  /** Upper bounds in seconds, as exported. */
  public static final List<Double> SECONDS;

  /** The same bounds in nanoseconds, compared on the hot path. */
  static final long[] NANOS;

  static {
    double[] s = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300
    };
    List<Double> list = new ArrayList<>();
    NANOS = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      list.add(s[i]);
      NANOS[i] = Math.round(s[i] * 1e9);
    }
    SECONDS = Collections.unmodifiableList(list);
  }

  /** Number of buckets: one more than bounds. */
  public static final int COUNT = NANOS.length + 1;

  private Buckets() {}

  /**
   * The bucket a duration falls in; bucket i counts (bound[i-1], bound[i]]. Linear from the low end
   * because most waits and many holds are short.
   */
  static int index(long nanos) {
    long[] b = NANOS;
    int i = 0;
    while (i < b.length && nanos > b[i]) {
      i++;
    }
    return i;
  }
}
