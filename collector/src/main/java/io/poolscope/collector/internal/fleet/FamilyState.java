package io.poolscope.collector.internal.fleet;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One pool family of one pod: its display name, and the counters and histograms of its pools that
 * were already dropped, so the family's totals never go down when a closed pool is forgotten.
 */
final class FamilyState {
  final TargetKey target;
  final String key;
  String type;
  private String firstName;
  private boolean manyNames;
  double retiredTimeouts;
  final double[] retiredLeaks = new double[LeakState.values().length];
  final Totals retiredWait = new Totals();
  final Totals retiredUse = new Totals();
  double retiredConnectionsCreated;
  final Map<String, Double> retiredConnectionsClosed = new TreeMap<>();

  FamilyState(TargetKey target, String key) {
    this.target = target;
    this.key = key;
  }

  /** Notes a member's name; once a family has had two names it keeps its short form. */
  void member(String name) {
    if (firstName == null) {
      firstName = name;
    } else if (!firstName.equals(name)) {
      manyNames = true;
    }
  }

  /**
   * The pool name while every pool of the family had that one name, else {@code
   * <Type>@<SimpleClass.method:line>}: bounded however many pools the family builds.
   */
  String label() {
    return manyNames || firstName == null ? shortForm(key) : firstName;
  }

  /** {@code HikariPool@com.acme.Job.runOnce:57} -> {@code HikariPool@Job.runOnce:57}. */
  static String shortForm(String key) {
    int at = key.indexOf('@');
    if (at < 0) {
      return key;
    }
    String site = key.substring(at + 1);
    int colon = site.lastIndexOf(':');
    String frame = colon < 0 ? site : site.substring(0, colon);
    String line = colon < 0 ? "" : site.substring(colon);
    int method = frame.lastIndexOf('.');
    if (method < 0) {
      return key;
    }
    int cls = frame.lastIndexOf('.', method - 1);
    return key.substring(0, at + 1) + frame.substring(cls + 1) + line;
  }

  /** Cumulative histogram buckets summed over pools with the same bounds. */
  static final class Totals {
    double[] bounds;
    long[] counts = new long[0];
    double sum;

    void add(double[] b, long[] c, double s) {
      if (b.length == 0 && c.length <= 1 && s == 0) {
        return;
      }
      if (bounds == null) {
        bounds = b.clone();
        counts = new long[c.length];
      } else if (!Arrays.equals(bounds, b)) {
        // Another bucket layout (an agent upgrade inside one family): not addable.
        return;
      }
      for (int i = 0; i < c.length && i < counts.length; i++) {
        counts[i] += c[i];
      }
      sum += s;
    }

    void add(Totals t) {
      if (t.bounds != null) {
        add(t.bounds, t.counts, t.sum);
      }
    }

    void add(HistogramState h) {
      if (h.count() > 0) {
        add(h.bounds(), h.totals(), h.sum());
      }
    }
  }
}
