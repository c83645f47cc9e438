package io.poolscope.collector.internal.limits;

import java.time.Duration;

/**
 * Every bound the collector enforces besides time (RELIABILITY.md lists them with their figures).
 * Beyond a bound the collector refuses and counts ({@link Refusals}); it never lets one client or
 * one large fleet take memory, threads or the evaluation round from the others.
 *
 * @param maxConcurrentBodies ingest requests reading or handling their body at once; more answer
 *     503 with Retry-After at once, so slow uploads hold at most this many server threads
 * @param maxBytesInFlight bytes of request bodies (raw and decompressed) held at once
 * @param bodyReadTimeout longest wait for the next bytes of a request body (Jetty's blocking read
 *     timeout)
 * @param bodyDeadline longest time to receive a whole request body
 * @param maxPods agent JVMs the fleet model holds; reports of new ones beyond it are refused
 * @param maxPoolsPerPod pools one JVM may report; points of further pools are refused
 * @param maxSeriesPerPod series one JVM may report (pools, open-connection targets and counter
 *     series by target and attribute); points of further series are refused
 */
public record Limits(
    int maxConcurrentBodies,
    long maxBytesInFlight,
    Duration bodyReadTimeout,
    Duration bodyDeadline,
    int maxPods,
    int maxPoolsPerPod,
    int maxSeriesPerPod) {

  /** Longest stored free text the collector makes itself (timeline events, deploy markers). */
  public static final int MAX_EVENT_TEXT = 1000;

  /** The defaults: twice the fleet BENCHMARKS.md measures (10,000 pods, 2 pools each). */
  public static Limits defaults() {
    return new Limits(
        16, 64L << 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 20_000, 100, 500);
  }

  /** Validates the bounds. */
  public Limits {
    if (maxConcurrentBodies < 1
        || maxBytesInFlight < 1
        || maxPods < 1
        || maxPoolsPerPod < 1
        || maxSeriesPerPod < maxPoolsPerPod
        || bodyReadTimeout.isNegative()
        || bodyReadTimeout.isZero()
        || bodyDeadline.isNegative()
        || bodyDeadline.isZero()) {
      throw new IllegalArgumentException(
          "invalid limits: every bound must be positive and series per pod at least pools per"
              + " pod");
    }
  }

  /** {@code text} cut to {@code max} characters (counted in {@code refusals} under field). */
  public static String clip(String text, int max, Refusals refusals, String field) {
    if (text == null || text.length() <= max) {
      return text;
    }
    refusals.truncated(field);
    int end = max;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never half a character
    }
    return text.substring(0, end);
  }
}
