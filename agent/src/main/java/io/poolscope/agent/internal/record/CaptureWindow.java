package io.poolscope.agent.internal.record;

/**
 * The window in which every borrow captures its call site, shared by a family of pools: those of
 * the same pool type and database target (one recorder has a window of its own until its target is
 * known). Sharing it is what lets a job that builds a new pool per run, and leaks once from each,
 * get its call site: a new pool of the family starts inside the window its predecessors opened.
 *
 * <p>The borrow path reads only {@link #until}: no flag to clear when the window ends, so a borrow
 * never writes to this object shared by every thread of the family.
 */
final class CaptureWindow {
  // Starts far in the past: closed for every borrow, including one whose clock read predates this
  // window (a pool joins its family after its first lease read the clock), whatever sign
  // System.nanoTime() has in this JVM. 2^62 ns is 146 years, so differences cannot overflow.
  private volatile long until = System.nanoTime() - (1L << 62);

  /** Borrow path: one volatile read. */
  boolean open(long now) {
    return now - until < 0;
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
