package io.poolscope.agent.internal.leak;

import io.poolscope.agent.internal.holders.OldestHolders;
import io.poolscope.agent.internal.record.Lease;
import io.poolscope.agent.internal.record.PoolRecorder;
import io.poolscope.agent.internal.record.Registry;
import io.poolscope.agent.internal.record.ThreadState;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Walks every thread's lease table on the agent thread: counts pending and held leases, the oldest
 * hold per pool, and finds leaks. A lease past the threshold becomes suspected; one closed after
 * that is reported as returned; one whose connection was garbage-collected is collected. There is
 * no timer or thread per lease: the cost is one pass per scan over the live leases.
 */
public final class LeakScanner {

  /** What one scan found for one pool. */
  public static final class PoolScan {
    /** Threads inside getConnection. */
    public int pending;

    /** Leases not yet closed. */
    public int held;

    /** Age of the oldest of them, nanoseconds. */
    public long oldestNanos;

    /** The oldest of them, with thread and call site. */
    public final OldestHolders holders;

    PoolScan(int holderLimit) {
      holders = new OldestHolders(holderLimit);
    }
  }

  /** Holders kept per pool and scan unless the constructor says otherwise. */
  public static final int DEFAULT_HOLDERS = 5;

  private final Registry registry;
  private final EventBuffer events;
  private final long thresholdNanos;
  private final long weakenAfterNanos;
  private final long captureWindowNanos;
  private final int holderLimit;

  // The periodic scan and the export's own scan run on different threads; the suspected map and
  // the leak counters are written by one scan at a time, whoever calls.
  private final ReentrantLock scanning = new ReentrantLock();

  /** Tests only: runs inside every scan, while the scan holds its lock. */
  Runnable duringScan = () -> {};

  /** Leases this scanner marked suspected, with the stamp it set, until their return is seen. */
  private final Map<Lease, Marked> suspected = new java.util.IdentityHashMap<>();

  /** What the scanner knew of a lease when it marked it suspected. */
  private static final class Marked {
    final long stamp;
    final PoolRecorder recorder;
    final ThreadState owner;
    final long start;
    final long id;
    final Throwable callSite;

    Marked(
        long stamp, PoolRecorder recorder, ThreadState owner, long start, long id, Throwable site) {
      this.stamp = stamp;
      this.recorder = recorder;
      this.owner = owner;
      this.start = start;
      this.id = id;
      this.callSite = site;
    }
  }

  /**
   * Creates a scanner.
   *
   * @param registry threads and pools
   * @param events where events go
   * @param thresholdNanos hold time of a suspected leak
   * @param captureWindowNanos how long a pool captures every call site after a suspected leak
   */
  public LeakScanner(
      Registry registry, EventBuffer events, long thresholdNanos, long captureWindowNanos) {
    this(registry, events, thresholdNanos, captureWindowNanos, DEFAULT_HOLDERS);
  }

  /**
   * Creates a scanner.
   *
   * @param registry threads and pools
   * @param events where events go
   * @param thresholdNanos hold time of a suspected leak
   * @param captureWindowNanos how long a pool captures every call site after a suspected leak
   * @param holderLimit how many of the oldest held leases each scan keeps per pool
   */
  public LeakScanner(
      Registry registry,
      EventBuffer events,
      long thresholdNanos,
      long captureWindowNanos,
      int holderLimit) {
    this.holderLimit = holderLimit;
    this.registry = registry;
    this.events = events;
    this.thresholdNanos = thresholdNanos;
    this.captureWindowNanos = captureWindowNanos;
    // Hold only a weak reference to leases older than this, so a dropped connection can be
    // collected; younger leases (nearly all) never allocate the reference.
    this.weakenAfterNanos = Math.min(1_000_000_000L, thresholdNanos / 2);
  }

  /**
   * One pass. Passes never overlap: a caller waits for a pass running on another thread.
   *
   * @return per-pool figures of this pass
   */
  public Map<PoolRecorder, PoolScan> scan() {
    scanning.lock();
    try {
      duringScan.run();
      return scanLocked();
    } finally {
      scanning.unlock();
    }
  }

  /**
   * Whether a thread waits for the running pass; for tests.
   *
   * @param t a thread
   * @return true while t waits to scan
   */
  boolean waiting(Thread t) {
    return scanning.hasQueuedThread(t);
  }

  private Map<PoolRecorder, PoolScan> scanLocked() {
    long now = System.nanoTime();
    long epochNow = System.currentTimeMillis() * 1_000_000L;
    Map<PoolRecorder, PoolScan> out = new HashMap<>();
    returnedByOwner(epochNow);
    for (ThreadState ts : registry.threads()) {
      ts.forgetLastClosed();
      PoolRecorder waiting = ts.pendingOn();
      if (waiting != null) {
        out.computeIfAbsent(waiting, r -> new PoolScan(holderLimit)).pending++;
      }
      for (Lease l : ts.leases()) {
        long s = l.stamp();
        int st = Lease.state(s);
        if (st == Lease.FREE) {
          continue;
        }
        PoolRecorder r = l.recorder();
        long start = l.start();
        long end = l.end();
        long id = l.id();
        Throwable site = l.callSite();
        if (l.stamp() != s || r == null) {
          continue; // closed or reused while we read it
        }
        if (st == Lease.RETURNED) {
          suspected.remove(l);
          r.leaksReturned++;
          events.add(event("returned", r, ts, (end - start) / 1e9, id, site, null, epochNow));
          l.release(s);
          continue;
        }
        long age = now - start;
        if (l.collected()) {
          suspected.remove(l);
          l.release(s);
          r.leaksCollected++;
          // A dropped connection is often collected before the threshold: that leak opens the
          // window as well, or a pool that only ever drops would never get a call site.
          openWindow(r, now);
          events.add(event("collected", r, ts, age / 1e9, id, site, null, epochNow));
          continue;
        }
        PoolScan ps = out.computeIfAbsent(r, x -> new PoolScan(holderLimit));
        ps.held++;
        ps.oldestNanos = Math.max(ps.oldestNanos, age);
        ps.holders.offer(ts.thread.getName(), age, id, site);
        if (age >= weakenAfterNanos && !l.weakened()) {
          l.weaken();
        }
        long marked = st == Lease.ACTIVE && age >= thresholdNanos ? l.suspect(s) : Lease.LOST;
        if (marked != Lease.LOST) {
          r.leaksSuspected++;
          suspected.put(l, new Marked(marked, r, ts, start, id, site));
          openWindow(r, now);
          String holder = null;
          Thread t = ts.thread;
          if (t.isAlive()) {
            holder = CallSites.holder(t.getStackTrace());
          }
          events.add(event("suspected", r, ts, age / 1e9, id, site, holder, epochNow));
        }
      }
    }
    registry.pruneThreads();
    return out;
  }

  /**
   * Every pool of the leaking pool's family (type and target) captures every borrow for a while.
   */
  private void openWindow(PoolRecorder r, long now) {
    registry.bindFamily(r);
    r.captureUntil(now + captureWindowNanos);
  }

  /**
   * A suspected lease that its owner closed while this scanner was marking it: the owner freed the
   * slot without seeing the mark (it uses no atomic instruction), so the return is reported here.
   * The slot's end time is right unless the slot was already reused and closed again.
   */
  private void returnedByOwner(long epochNow) {
    for (java.util.Iterator<Map.Entry<Lease, Marked>> it = suspected.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Lease, Marked> e = it.next();
      Lease l = e.getKey();
      Marked m = e.getValue();
      long s = l.stamp();
      boolean sameLease = Lease.sameLease(s, m.stamp);
      if (s == m.stamp || sameLease && Lease.state(s) == Lease.RETURNED) {
        continue; // still suspected, or returned through the usual path
      }
      it.remove();
      long end = l.end();
      double held = sameLease && end > m.start ? (end - m.start) / 1e9 : 0;
      m.recorder.leaksReturned++;
      events.add(event("returned", m.recorder, m.owner, held, m.id, m.callSite, null, epochNow));
    }
  }

  private static LeakEvent event(
      String state,
      PoolRecorder r,
      ThreadState ts,
      double age,
      long id,
      Throwable site,
      String holder,
      long epochNow) {
    return new LeakEvent(
        state,
        r.name(),
        r.target(),
        ts.thread.getName(),
        age,
        id,
        CallSites.borrower(site),
        holder,
        epochNow);
  }
}
