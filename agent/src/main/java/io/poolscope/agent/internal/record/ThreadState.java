package io.poolscope.agent.internal.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Everything the hot path keeps per thread: call depths (one lease per outermost getConnection,
 * however many data sources are nested), the wait start, the lease table, and the stats this thread
 * records per pool. Only its own thread writes it, except for the stamps of its leases.
 */
public final class ThreadState {
  private static final VarHandle PENDING;

  static {
    try {
      PENDING =
          MethodHandles.lookup().findVarHandle(ThreadState.class, "pendingOn", PoolRecorder.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Scanner: drops the last closed connection. A racy write, harmless: the owner at worst searches
   * other threads' leases once more for a connection closed twice.
   */
  public void forgetLastClosed() {
    lastClosed = null;
  }

  /** The thread this state belongs to. */
  public final Thread thread;

  private final long idBase;

  int leaseDepth;
  long waitStart;
  PoolRecorder leaseOwner;

  @SuppressWarnings("unused") // accessed through PENDING
  private PoolRecorder pendingOn;

  int closeDepth;
  boolean closeMatched;
  // Only spares a second search for a connection closed twice; the scanner forgets it
  // (forgetLastClosed) so a pool thread of a servlet container does not keep an undeployed web
  // application's connection, and with it the application's class loader, alive.
  Object lastClosed;

  int physDepth;
  long physStart;
  Object physSource;
  String physUrl;
  String physUser;

  // Pool constructors running on this thread, and the physical connections opened inside them,
  // attributed to the pool when its constructor returns (Hub#poolCreated).
  int constructing;
  // (allocated on a pool constructor's first connection, at most Hub.MAX_CONSTRUCTED)
  Object[] constructedRefs;
  long[] constructedNanos;
  int constructedCount;

  int sampleCountdown = 1;
  PoolRecorder lastRecorder;

  private volatile Lease[] leases;
  private int hint;
  private int leaseSeq;

  private PoolRecorder statsFor;
  private PoolStats stats;
  private PoolRecorder[] statsKeys = new PoolRecorder[2];
  private PoolStats[] statsValues = new PoolStats[2];

  ThreadState(Thread thread, long idBase) {
    this.thread = thread;
    this.idBase = idBase << 32;
    Lease[] l = new Lease[4];
    for (int i = 0; i < l.length; i++) {
      l[i] = new Lease(this);
    }
    leases = l;
  }

  /**
   * The pool this thread is waiting on inside getConnection, or null.
   *
   * @return the pool
   */
  public PoolRecorder pendingOn() {
    return (PoolRecorder) PENDING.getOpaque(this);
  }

  void pending(PoolRecorder r) {
    // A release store is a plain move on x86: no fence on the hot path, and the scanner sees it
    // within a scan.
    PENDING.setRelease(this, r);
  }

  /**
   * This thread's lease slots, for the scanner.
   *
   * @return the slots
   */
  public Lease[] leases() {
    return leases;
  }

  PoolStats stats(PoolRecorder r) {
    if (r == statsFor) {
      return stats;
    }
    PoolRecorder[] keys = statsKeys;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == r) {
        statsFor = r;
        stats = statsValues[i];
        return stats;
      }
      if (keys[i] == null) {
        PoolStats s = r.newStats(thread);
        keys[i] = r;
        statsValues[i] = s;
        statsFor = r;
        stats = s;
        return s;
      }
    }
    statsKeys = java.util.Arrays.copyOf(keys, keys.length * 2);
    statsValues = java.util.Arrays.copyOf(statsValues, keys.length * 2);
    return stats(r);
  }

  Lease startLease(PoolRecorder r, Object conn, long now, Throwable site) {
    Lease[] l = leases;
    int n = l.length;
    int i = hint;
    for (int k = 0; k < n; k++) {
      Lease x = l[i];
      if (Lease.state(x.stamp()) == Lease.FREE) {
        x.claim(r, conn, now, site, idBase | (++leaseSeq & 0xffffffffL));
        hint = i;
        return x;
      }
      if (++i == n) {
        i = 0;
      }
    }
    Lease[] grown = java.util.Arrays.copyOf(l, n * 2);
    for (int k = n; k < grown.length; k++) {
      grown[k] = new Lease(this);
    }
    leases = grown;
    hint = n;
    grown[n].claim(r, conn, now, site, idBase | (++leaseSeq & 0xffffffffL));
    return grown[n];
  }

  Lease findOwn(Object conn) {
    Lease[] l = leases;
    Lease h = l[hint];
    if (Lease.state(h.stamp()) != Lease.FREE && h.matches(conn)) {
      return h;
    }
    for (Lease x : l) {
      if (Lease.state(x.stamp()) != Lease.FREE && x.matches(conn)) {
        return x;
      }
    }
    return null;
  }

  /**
   * Whether any slot is still in use (a dead thread's state is kept until none is).
   *
   * @return true when a lease is outstanding
   */
  public boolean hasLeases() {
    for (Lease x : leases) {
      if (Lease.state(x.stamp()) != Lease.FREE) {
        return true;
      }
    }
    return false;
  }
}
