package io.poolscope.alerts.internal.rules;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus duration strings ({@code 90s}, {@code 1m30s}, {@code 1h}, {@code 500ms}). */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("(?:[0-9]+(?:ms|s|m|h|d|w|y))+");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w|y)");

  private Durations() {}

  /**
   * Parses a Prometheus duration.
   *
   * @throws IllegalArgumentException naming the text when it is not one
   */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (expected e.g. 30s, 1m, 1h30m, 500ms)");
    }
    Matcher m = PART.matcher(text);
    long millis = 0;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1_000L;
            case "m" -> n * 60_000L;
            case "h" -> n * 3_600_000L;
            case "d" -> n * 86_400_000L;
            case "w" -> n * 7 * 86_400_000L;
            default -> n * 365 * 86_400_000L;
          };
    }
    return Duration.ofMillis(millis);
  }

  /** Formats a duration the way Prometheus prints it ({@code 1m}, {@code 1h30m}, {@code 0s}). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] names = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= units[i]) {
        sb.append(ms / units[i]).append(names[i]);
        ms %= units[i];
      }
    }
    return sb.toString();
  }

  /**
   * A duration in words, as alert texts say it: {@code 15 seconds}, {@code 1 minute}, {@code 1
   * minute 15 seconds}, {@code 2 hours}, {@code 500 milliseconds}.
   */
  public static String words(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0 seconds";
    }
    StringBuilder sb = new StringBuilder();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] names = {"day", "hour", "minute", "second", "millisecond"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= units[i]) {
        long n = ms / units[i];
        sb.append(sb.length() == 0 ? "" : " ").append(n).append(' ').append(names[i]);
        sb.append(n == 1 ? "" : "s");
        ms %= units[i];
      }
    }
    return sb.toString();
  }
}
