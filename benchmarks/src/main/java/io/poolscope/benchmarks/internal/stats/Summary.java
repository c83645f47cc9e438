package io.poolscope.benchmarks.internal.stats;

import java.util.Arrays;
import java.util.List;

/**
 * Order statistics of a sample. Medians and quantiles rather than means: on a shared, noisy machine
 * a few disturbed iterations would drag a mean, not a median.
 */
public record Summary(int n, double median, double p25, double p75, double min, double max) {

  /** Summarises the values; an empty list gives a summary of NaNs with n = 0. */
  public static Summary of(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Summary(
        v.length, quantile(v, 0.5), quantile(v, 0.25), quantile(v, 0.75), v[0], v[v.length - 1]);
  }

  /** Quantile of sorted values, linear interpolation between closest ranks. */
  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  /** Quantile of unsorted values (sorts a copy). */
  public static double quantileOf(long[] values, int count, double q) {
    double[] d = new double[count];
    for (int i = 0; i < count; i++) {
      d[i] = values[i];
    }
    Arrays.sort(d);
    return quantile(d, q);
  }
}
