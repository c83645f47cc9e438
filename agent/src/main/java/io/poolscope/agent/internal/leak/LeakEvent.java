package io.poolscope.agent.internal.leak;

import io.poolscope.agent.internal.target.DbTarget;

/** One leak event, built on the agent thread, waiting in the {@link EventBuffer} to be sent. */
public final class LeakEvent {
  /** suspected, returned or collected. */
  public final String state;

  /** The pool name. */
  public final String pool;

  /** The database target. */
  public final DbTarget target;

  /** The borrowing thread's name. */
  public final String threadName;

  /** Lease age (suspected, collected) or total hold time (returned), in seconds. */
  public final double ageSeconds;

  /** The lease id. */
  public final long leaseId;

  /** The trimmed borrower call site, or null when it was not captured. */
  public final String callSite;

  /** Where the borrowing thread is now, or null. */
  public final String holderStack;

  /** When the event was observed. */
  public final long epochNanos;

  /**
   * Creates an event.
   *
   * @param state the leak state
   * @param pool the pool name
   * @param target the database
   * @param threadName the borrower's thread name
   * @param ageSeconds age or hold time
   * @param leaseId the lease id
   * @param callSite the borrower call site
   * @param holderStack the holder's current stack
   * @param epochNanos the time
   */
  public LeakEvent(
      String state,
      String pool,
      DbTarget target,
      String threadName,
      double ageSeconds,
      long leaseId,
      String callSite,
      String holderStack,
      long epochNanos) {
    this.state = state;
    this.pool = pool;
    this.target = target;
    this.threadName = threadName;
    this.ageSeconds = ageSeconds;
    this.leaseId = leaseId;
    this.callSite = callSite;
    this.holderStack = holderStack;
    this.epochNanos = epochNanos;
  }
}
