package io.poolscope.alerts.internal.rules;

import io.poolscope.alerts.Sample;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** What an expression reads: this interval's samples and the retained history of counters. */
public interface EvalContext {

  /** Evaluation time, epoch ms. */
  long nowMillis();

  /** This interval's samples with the given name (empty when none). */
  List<Sample> instant(String name);

  /** Retained series with the given name (empty when none). */
  Collection<Series> range(String name);

  /**
   * A retained series.
   *
   * @param labels its labels
   * @param times sample times in ascending order; only the first {@code size} entries are valid
   * @param values sample values matching {@code times}
   * @param size number of valid points
   */
  record Series(Map<String, String> labels, long[] times, double[] values, int size) {}
}
