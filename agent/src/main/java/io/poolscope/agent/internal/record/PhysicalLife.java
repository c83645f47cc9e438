package io.poolscope.agent.internal.record;

import io.poolscope.agent.internal.pools.PoolAdapter;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One pool's physical connections as the agent sees them close: counts by {@link CloseReason} and
 * the pool's configured max lifetime (cached by the export thread, read at each close). Written on
 * whatever thread closes a physical connection (a pool's housekeeper, mostly), which is rare next
 * to borrows: a close costs a network round trip anyway, so it may lock and read the pool's own
 * counters.
 */
public final class PhysicalLife {
  private final AtomicLongArray closed = new AtomicLongArray(CloseReason.values().length);

  /** Not read from the pool yet: neither the export thread nor a close has asked it. */
  private static final long UNKNOWN = -1;

  private volatile long maxLifetimeNanos = UNKNOWN;

  // The pool's own idle-timeout and broken counts as of the last close (closing threads).
  private long seenIdle;
  private long seenBroken;

  /**
   * A physical connection of this pool closed. The reason: max lifetime when its age reached the
   * configured lifetime; else idle timeout or broken when the pool's own count of those went up
   * since the last close (each increase explains one close); else other.
   */
  void closed(long ageNanos, PoolAdapter adapter, Object pool) {
    long max = maxLifetimeNanos;
    if (max == UNKNOWN && pool != null) {
      // A close before the first export (the agent's export thread starts after the application):
      // ask the pool now, on the closing thread, rather than count a lifetime close as "other".
      try {
        maxLifetime(adapter.maxLifetime(pool));
      } catch (RuntimeException | LinkageError e) {
        maxLifetime(null);
      }
      max = maxLifetimeNanos;
    }
    CloseReason reason;
    if (max > 0 && ageNanos >= (long) (max * CloseReason.LIFETIME_SHARE)) {
      reason = CloseReason.MAX_LIFETIME;
    } else {
      reason = pool == null ? CloseReason.OTHER : told(adapter, pool);
    }
    closed.incrementAndGet(reason.ordinal());
  }

  private synchronized CloseReason told(PoolAdapter adapter, Object pool) {
    try {
      Long idle = adapter.idleTimeoutCloses(pool);
      if (idle != null && idle > seenIdle) {
        seenIdle++;
        return CloseReason.IDLE_TIMEOUT;
      }
      Long broken = adapter.brokenCloses(pool);
      if (broken != null && broken > seenBroken) {
        seenBroken++;
        return CloseReason.BROKEN;
      }
    } catch (RuntimeException | LinkageError e) {
      // A pool version without those counters: the close is "other".
    }
    return CloseReason.OTHER;
  }

  /**
   * Physical connections closed for this reason, by the agent's own count.
   *
   * @param reason the reason
   * @return the count
   */
  public long closed(CloseReason reason) {
    return closed.get(reason.ordinal());
  }

  /**
   * Physical connections closed, every reason.
   *
   * @return the count
   */
  public long closedTotal() {
    long n = 0;
    for (int i = 0; i < closed.length(); i++) {
      n += closed.get(i);
    }
    return n;
  }

  /**
   * Caches the pool's configured max lifetime (export thread).
   *
   * @param seconds the max lifetime, or null when the pool has none
   */
  public void maxLifetime(Double seconds) {
    maxLifetimeNanos = seconds == null ? 0 : (long) (seconds * 1e9);
  }
}
