package io.poolscope.agent.internal.record;

/**
 * What one thread recorded for one pool. Single writer (that thread), read by the export thread.
 */
public final class PoolStats {
  /** Time inside getConnection. */
  public final Histogram wait = new Histogram();

  /** Time from getConnection returning to close(). */
  public final Histogram use = new Histogram();

  /** Time to open a physical connection. */
  public final Histogram create = new Histogram();

  /** getConnection calls that threw. */
  public long timeouts;

  /** The thread that writes; when it has died the stats are folded into the pool's totals. */
  final java.lang.ref.WeakReference<Thread> writer;

  PoolStats(Thread writer) {
    this.writer = new java.lang.ref.WeakReference<>(writer);
  }

  /**
   * Whether the writing thread is gone, so these figures can no longer change.
   *
   * @return true once the thread has terminated
   */
  public boolean writerGone() {
    Thread t = writer.get();
    return t == null || !t.isAlive();
  }
}
