package io.poolscope.collector.internal.plan;

/**
 * A server's connection limit: {@code max_connections}, the slots reserved for superusers (and
 * PostgreSQL 16's {@code reserved_connections}), and where the figures came from ({@code --limit},
 * {@code probe}, {@code config}).
 */
public record Limit(int maxConnections, int reserved, String source) {

  /** What applications can use: {@code maxConnections - reserved}, never below 0. */
  public int usable() {
    return Math.max(0, maxConnections - reserved);
  }

  /**
   * Parses {@code MAX} or {@code MAX-RESERVED}, as in {@code --limit pg.prod:5432=500-3}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Limit parse(String text, String source) {
    String s = text.trim();
    int dash = s.indexOf('-');
    int max = number(dash < 0 ? s : s.substring(0, dash), "MAX");
    int reserved = dash < 0 ? 0 : number(s.substring(dash + 1), "RESERVED");
    if (max < 1) {
      throw new IllegalArgumentException("MAX must be at least 1, not " + max);
    }
    if (reserved > max) {
      throw new IllegalArgumentException(
          "RESERVED (" + reserved + ") is larger than MAX (" + max + ")");
    }
    return new Limit(max, reserved, source);
  }

  private static int number(String s, String what) {
    try {
      int v = Integer.parseInt(s.trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + s.trim() + "' is not a whole number");
    }
  }
}
