package io.poolscope.alerts.internal.rules;

/** Counter arithmetic over retained points. */
final class Counters {
  private Counters() {}

  /**
   * The increase of a counter between the points inside {@code [from, to]}: the sum of rises, where
   * a drop is a counter reset and the value after it counts whole (PromQL's reset handling). Unlike
   * PromQL's {@code increase} there is no extrapolation to the window's edges: the result is
   * exactly what the retained samples show, so a test can predict it. NaN with fewer than two
   * points.
   */
  static double increase(EvalContext.Series s, long from, long to) {
    double total = 0;
    double prev = Double.NaN;
    int used = 0;
    for (int i = 0; i < s.size(); i++) {
      long t = s.times()[i];
      if (t < from || t > to) {
        continue;
      }
      double v = s.values()[i];
      if (used > 0) {
        total += v >= prev ? v - prev : v;
      }
      prev = v;
      used++;
    }
    return used < 2 ? Double.NaN : total;
  }
}
