package io.poolscope.agent.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's own failures: counted, the first one printed to stderr, never thrown into the
 * application. Quiet by default: nothing else is printed unless {@code debug=true}.
 */
public final class Diagnostics {
  private static final AtomicLong ERRORS = new AtomicLong();
  private static final AtomicBoolean REPORTED = new AtomicBoolean();
  private static final Set<String> NOTICED = ConcurrentHashMap.newKeySet();
  private static volatile boolean debug;

  private Diagnostics() {}

  /**
   * Turns debug output on or off.
   *
   * @param on whether to print diagnostics
   */
  public static void debug(boolean on) {
    debug = on;
  }

  /**
   * Records an internal failure; prints only the first.
   *
   * @param where what the agent was doing
   * @param error the failure
   */
  public static void error(String where, Throwable error) {
    ERRORS.incrementAndGet();
    if (REPORTED.compareAndSet(false, true) || debug) {
      System.err.println(
          "poolscope: internal error in "
              + where
              + " (the application is unaffected; later errors are only counted): "
              + error);
      if (debug) {
        error.printStackTrace();
      }
    }
  }

  /**
   * Prints a diagnostic line when debug is on.
   *
   * @param message the line
   */
  public static void debug(String message) {
    if (debug) {
      System.err.println("poolscope: " + message);
    }
  }

  /**
   * Prints a line the operator must act on (a token the collector refuses, say) once per kind, so a
   * lasting condition does not flood stderr; later occurrences print only when debug is on.
   *
   * @param kind what the line is about; one line per kind
   * @param message the line
   */
  public static void notice(String kind, String message) {
    if (NOTICED.add(kind) || debug) {
      System.err.println("poolscope: " + message);
    }
  }

  /**
   * How many internal failures happened.
   *
   * @return the count
   */
  public static long errors() {
    return ERRORS.get();
  }
}
