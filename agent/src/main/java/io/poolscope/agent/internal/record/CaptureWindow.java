package io.poolscope.agent.internal.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The window in which every borrow captures its call site, shared by a family of pools: those of
 * the same pool type and database target (one recorder has a window of its own until its target is
 * known). Sharing it is what lets a job that builds a new pool per run, and leaks once from each,
 * get its call site: a new pool of the family starts inside the window its predecessors opened.
 *
 * <p>The borrow path reads only {@link #until}: no flag to clear when the window ends, so a borrow
 * never writes to this object shared by every thread of the family.
 *
 * <p>Inside the window the captures are rate limited per family: at most {@link #BURST} at once and
 * {@link #PER_SECOND} a second on average (a lock-free token bucket in its cell-rate form: one
 * "theoretical arrival time"; a capture moves it one interval on with one compare-and-set, a borrow
 * refused a token only reads it). Up to that rate every borrow is captured; above it the window
 * costs at most {@code PER_SECOND} stack captures a second, whatever the borrow rate.
 */
final class CaptureWindow {
  /** Average captures per second per family while the window is open. */
  static final long PER_SECOND = 200;

  /** Captures allowed back to back after a quiet spell. */
  static final long BURST = 200;

  private static final long INTERVAL = 1_000_000_000L / PER_SECOND;
  private static final long TOLERANCE = (BURST - 1) * INTERVAL;
  private static final VarHandle TAT;

  static {
    try {
      TAT = MethodHandles.lookup().findVarHandle(CaptureWindow.class, "tat", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Starts far in the past: closed for every borrow, including one whose clock read predates this
  // window (a pool joins its family after its first lease read the clock), whatever sign
  // System.nanoTime() has in this JVM. 2^62 ns is 146 years, so differences cannot overflow.
  private volatile long until = System.nanoTime() - (1L << 62);

  // When the bucket would be empty again at the average rate; far past means full.
  @SuppressWarnings("unused") // accessed through TAT
  private volatile long tat = until;

  /** Borrow path: one volatile read. */
  boolean open(long now) {
    return now - until < 0;
  }

  /**
   * Borrow path: whether this borrow inside an open window takes one of the family's captures.
   * Never waits: losing the compare-and-set to another thread means no capture this time.
   */
  boolean take(long now) {
    if (!open(now)) {
      return false;
    }
    long t = tat;
    if (t - now > TOLERANCE) {
      return false;
    }
    long next = (now - t > 0 ? now : t) + INTERVAL;
    return TAT.compareAndSet(this, t, next);
  }

  long until() {
    return until;
  }

  /** Scanner (or a recorder joining its family): opens or extends, never shortens. */
  synchronized void extendTo(long untilNanos) {
    if (untilNanos - until > 0) {
      until = untilNanos;
    }
  }
}
