package io.poolscope.collector.internal.round;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps of the collector's scheduled rounds (forgetting old pods, deploy markers, alert
 * evaluation, history, purging) each on its own: a step that fails is counted and logged (one line
 * per step per interval) and never skips the steps after it, so one bad pod or a briefly
 * unavailable store cannot switch off alerting.
 */
public final class Steps {
  private static final Logger LOG = LoggerFactory.getLogger(Steps.class);

  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final long logEveryMillis;

  /** Logs a failing step at most once per {@code logEveryMillis} of {@code clock}. */
  public Steps(LongSupplier clock, long logEveryMillis) {
    this.clock = clock;
    this.logEveryMillis = logEveryMillis;
  }

  /** Runs {@code step}; returns whether it completed. */
  public boolean run(String name, Runnable step) {
    try {
      step.run();
      return true;
    } catch (RuntimeException e) {
      LongAdder n = failures.computeIfAbsent(name, k -> new LongAdder());
      n.increment();
      long now = clock.getAsLong();
      AtomicLong last = lastLogged.computeIfAbsent(name, k -> new AtomicLong(Long.MIN_VALUE));
      long before = last.get();
      if ((before == Long.MIN_VALUE || now - before >= logEveryMillis)
          && last.compareAndSet(before, now)) {
        LOG.warn("scheduled step {} failed ({} failures so far): {}", name, n.sum(), e.toString());
      }
      return false;
    }
  }

  /** Failures so far, by step. */
  public Map<String, Long> failures() {
    Map<String, Long> out = new TreeMap<>();
    failures.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
