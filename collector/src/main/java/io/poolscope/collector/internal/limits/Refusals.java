package io.poolscope.collector.internal.limits;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what a bound refused or cut, by kind, for {@code /metrics}, and logs one line per kind per
 * interval (never one per request: a flood of refusals must not become a flood of log lines).
 */
public final class Refusals {
  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

  private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> truncated = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final long logEveryMillis;

  /** Logs each kind at most once per {@code logEveryMillis} of {@code clock} (epoch ms). */
  public Refusals(LongSupplier clock, long logEveryMillis) {
    this.clock = clock;
    this.logEveryMillis = logEveryMillis;
  }

  /** One refusal of {@code kind}; {@code detail} says which bound, for the log line. */
  public void refused(String kind, String detail) {
    long total = add(refused, kind);
    log("refused " + kind, () -> detail + " (" + total + " refused so far)");
  }

  /** One value of {@code field} cut to its bound. */
  public void truncated(String field) {
    long total = add(truncated, field);
    log(
        "truncated " + field,
        () -> field + " longer than its bound was truncated (" + total + " so far)");
  }

  /** Refusals so far, by kind. */
  public Map<String, Long> refused() {
    return snapshot(refused);
  }

  /** Truncations so far, by field. */
  public Map<String, Long> truncated() {
    return snapshot(truncated);
  }

  private static long add(Map<String, LongAdder> m, String key) {
    LongAdder a = m.computeIfAbsent(key, k -> new LongAdder());
    a.increment();
    return a.sum();
  }

  private void log(String key, java.util.function.Supplier<String> line) {
    long now = clock.getAsLong();
    AtomicLong last = lastLogged.computeIfAbsent(key, k -> new AtomicLong(Long.MIN_VALUE));
    long before = last.get();
    if ((before == Long.MIN_VALUE || now - before >= logEveryMillis)
        && last.compareAndSet(before, now)) {
      LOG.warn("{}", line.get());
    }
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
