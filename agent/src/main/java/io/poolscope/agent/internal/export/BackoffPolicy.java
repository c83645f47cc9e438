package io.poolscope.agent.internal.export;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.DoubleSupplier;

/**
 * When the next export runs. Healthy: every interval. After {@code n} failed exports in a row the
 * next one waits {@code b = min(cap, interval * 2^n)} less a random part of up to a quarter of
 * {@code b}, so a fleet that failed together does not come back together; a {@code Retry-After} the
 * collector sent is a floor (capped too). The first success returns to the interval. Exports are
 * periodic snapshots of cumulative figures, so a skipped export loses nothing, and the leak events
 * wait in the bounded event buffer.
 *
 * <p>Used by the export thread only; not thread-safe. The random source is injected so tests can
 * assert exact delays.
 */
public final class BackoffPolicy {
  /** The largest share of a delay taken off (backoff) or added (Retry-After) at random. */
  static final double JITTER = 0.25;

  /** Ceiling of the default cap: a collector that is back is seen within this long. */
  static final long DEFAULT_CAP_CEILING_MILLIS = 5 * 60_000L;

  /** The default cap in intervals: 30 x 10 s (the default interval) = 5 minutes. */
  static final int DEFAULT_CAP_INTERVALS = 30;

  private final long intervalMillis;
  private final long capMillis;
  private final DoubleSupplier random;
  private int failures;

  /**
   * Creates a policy.
   *
   * @param intervalMillis the normal export interval
   * @param capMillis the longest delay; at least the interval
   * @param random uniform values in [0, 1)
   */
  public BackoffPolicy(long intervalMillis, long capMillis, DoubleSupplier random) {
    if (intervalMillis <= 0 || capMillis < intervalMillis) {
      throw new IllegalArgumentException(
          "interval " + intervalMillis + " ms, cap " + capMillis + " ms");
    }
    this.intervalMillis = intervalMillis;
    this.capMillis = capMillis;
    this.random = random;
  }

  /**
   * The cap used when {@code maxBackoff} is not set: 30 intervals, at most 5 minutes, never less
   * than one interval.
   *
   * @param intervalMillis the export interval
   * @return the default cap
   */
  public static long defaultCapMillis(long intervalMillis) {
    long cap = Math.min(DEFAULT_CAP_CEILING_MILLIS, intervalMillis * DEFAULT_CAP_INTERVALS);
    return Math.max(intervalMillis, cap);
  }

  /**
   * Delay of the first export after start: between half an interval and one interval, so pods
   * started together (a deployment, a node restart) do not export in step for their whole life.
   *
   * @return milliseconds
   */
  public long firstDelay() {
    return intervalMillis - (long) (intervalMillis * 0.5 * random.getAsDouble());
  }

  /**
   * An export went through (or the collector answered and refused the content, which backing off
   * would not change): back to the interval.
   *
   * @return the delay until the next export, the interval
   */
  public long success() {
    failures = 0;
    return intervalMillis;
  }

  /**
   * An export failed: no answer, a timeout, or a status that says "not now".
   *
   * @param retryAfterMillis what the collector's {@code Retry-After} asked for, or -1
   * @return the delay until the next export, between one interval and the cap
   */
  public long failure(long retryAfterMillis) {
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    long base = intervalMillis;
    for (int i = 0; i < failures && base < capMillis; i++) {
      base *= 2;
    }
    base = Math.min(base, capMillis);
    double u = random.getAsDouble();
    long delay = base - (long) (base * JITTER * u);
    if (retryAfterMillis > 0) {
      long asked = Math.min(retryAfterMillis, capMillis);
      delay = Math.max(delay, Math.min(capMillis, asked + (long) (asked * JITTER * u)));
    }
    return Math.max(intervalMillis, delay);
  }

  /**
   * Failed exports in a row.
   *
   * @return 0 while healthy
   */
  public int failures() {
    return failures;
  }

  /**
   * The cap.
   *
   * @return milliseconds
   */
  public long capMillis() {
    return capMillis;
  }

  /**
   * Reads a {@code Retry-After} value: whole seconds, or an HTTP date.
   *
   * @param value the header, may be null
   * @param nowEpochMillis the wall clock, for dates
   * @return milliseconds to wait (0 for a date in the past), or -1 when absent or unreadable
   */
  public static long retryAfterMillis(String value, long nowEpochMillis) {
    if (value == null || value.trim().isEmpty()) {
      return -1;
    }
    String v = value.trim();
    if (v.chars().allMatch(Character::isDigit)) {
      // Anything beyond a day is as good as a day: the cap is far below it.
      return v.length() > 6 ? 86_400_000L : Math.min(86_400_000L, Long.parseLong(v) * 1000);
    }
    try {
      long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond() * 1000;
      return Math.max(0, at - nowEpochMillis);
    } catch (DateTimeParseException e) {
      return -1;
    }
  }
}
