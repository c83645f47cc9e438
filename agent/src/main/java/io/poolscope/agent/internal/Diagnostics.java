package io.poolscope.agent.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's own failures: counted, the first one printed to stderr, never thrown into the
 * application. Quiet by default: nothing else is printed unless {@code debug=true}.
 */
public final class Diagnostics {
  private static final AtomicLong ERRORS = new AtomicLong();
  private static final AtomicBoolean REPORTED = new AtomicBoolean();
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
   * How many internal failures happened.
   *
   * @return the count
   */
  public static long errors() {
    return ERRORS.get();
  }
}
