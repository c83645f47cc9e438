package io.poolscope.demo.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waiting for a condition by polling it, with a deadline: the demo's and its tests' only way to
 * wait for something another process does (never a bare sleep standing in for a condition).
 */
public final class Poll {
  private Poll() {}

  /**
   * Polls {@code probe} until its value satisfies {@code done} or the timeout passes. A probe that
   * throws counts as "not yet" (the thing may not be up yet); its last exception is attached to the
   * timeout.
   *
   * @param what what is awaited, for the timeout message
   * @param timeout how long to wait at most
   * @param interval pause between polls
   * @param probe reads the current value
   * @param done whether the value is the awaited one
   * @param <T> the value's type
   * @return the first value that satisfied {@code done}
   * @throws PollTimeoutException with the last value seen when the timeout passes
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public static <T> T until(
      String what, Duration timeout, Duration interval, Callable<T> probe, Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    Exception lastError = null;
    while (true) {
      try {
        last = probe.call();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (InterruptedException | Abort e) {
        throw e;
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new PollTimeoutException(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last: " + last,
            lastError);
      }
      Thread.sleep(interval.toMillis());
    }
  }

  /**
   * Thrown by a probe when waiting longer is pointless (the awaited process died): ends at once.
   */
  public static final class Abort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Why waiting stops.
     *
     * @param message what happened, with the state needed to act on it
     */
    public Abort(String message) {
      super(message);
    }

    /**
     * Why waiting stops, and the failure behind it.
     *
     * @param message what happened
     * @param cause the failure
     */
    public Abort(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A condition that did not become true in time; the message carries the last value seen. */
  public static final class PollTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PollTimeoutException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
