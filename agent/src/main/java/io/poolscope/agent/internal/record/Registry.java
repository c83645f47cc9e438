package io.poolscope.agent.internal.record;

import io.poolscope.agent.internal.family.ConstructionSite;
import io.poolscope.agent.internal.pools.PoolAdapter;
import io.poolscope.agent.internal.pools.PoolAdapters;
import io.poolscope.agent.internal.target.DbTarget;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every pool, unpooled source and thread the agent has seen. Lookups on the hot path read an
 * open-addressing table keyed by identity without locks or allocation; inserts (once per pool) take
 * a lock and publish a new table.
 */
public final class Registry {

  private static final class Entry extends WeakReference<Object> {
    final int hash;
    final PoolRecorder recorder;

    Entry(Object key, int hash, PoolRecorder recorder) {
      super(key);
      this.hash = hash;
      this.recorder = recorder;
    }
  }

  private volatile Entry[] table = new Entry[64];
  private int size;
  private final CopyOnWriteArrayList<PoolRecorder> recorders = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, PoolRecorder> unpooled = new ConcurrentHashMap<>();
  // Not copy-on-write: every new thread that touches JDBC (a virtual thread per request) adds one.
  private final java.util.concurrent.ConcurrentLinkedQueue<ThreadState> threads =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Map<String, Integer> sequence = new HashMap<>();
  private final AtomicLong threadSeq = new AtomicLong();
  private final ClassSet leaseClasses = new ClassSet();

  /**
   * The capture window of each pool family (type and target), so a pool created after its family
   * showed a leak captures from its first borrow. One small entry per family ever seen, like the
   * churn counts.
   */
  private final ConcurrentHashMap<ChurnKey, CaptureWindow> families = new ConcurrentHashMap<>();

  /** Pools created and closed, per type and target, including pools no longer tracked. */
  private final ConcurrentHashMap<ChurnKey, long[]> retiredChurn = new ConcurrentHashMap<>();

  ThreadState newThreadState(Thread t) {
    ThreadState ts = new ThreadState(t, threadSeq.incrementAndGet());
    threads.add(ts);
    return ts;
  }

  /**
   * Every thread state, for the scanner.
   *
   * @return the live list
   */
  public java.util.Collection<ThreadState> threads() {
    return threads;
  }

  /** Scanner: forgets dead threads that hold no lease. */
  public void pruneThreads() {
    for (java.util.Iterator<ThreadState> it = threads.iterator(); it.hasNext(); ) {
      ThreadState ts = it.next();
      if (!ts.thread.isAlive() && !ts.hasLeases()) {
        it.remove();
      }
    }
  }

  /**
   * Every pool recorder, for export.
   *
   * @return the live list
   */
  public List<PoolRecorder> recorders() {
    return recorders;
  }

  /**
   * Looks up (or creates) the recorder of a data source.
   *
   * @param ds the data source
   * @return its recorder
   */
  PoolRecorder recorderFor(Object ds) {
    PoolRecorder r = find(ds);
    return r != null ? r : register(ds);
  }

  /**
   * The recorder of a data source, without creating one.
   *
   * @param ds the data source
   * @return the recorder or null
   */
  public PoolRecorder find(Object ds) {
    Entry[] t = table;
    int mask = t.length - 1;
    int i = System.identityHashCode(ds) & mask;
    for (int probes = 0; probes <= mask; probes++) {
      Entry e = t[i];
      if (e == null) {
        return null;
      }
      if (e.get() == ds) {
        return e.recorder;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  synchronized PoolRecorder register(Object ds) {
    PoolRecorder existing = find(ds);
    if (existing != null) {
      return existing;
    }
    PoolAdapter adapter = PoolAdapters.forClass(ds.getClass());
    String type = ds.getClass().getSimpleName();
    if (type.isEmpty()) {
      type = ds.getClass().getName();
    }
    PoolRecorder r = new PoolRecorder(ds, adapter, type, nextName(type), null, false);
    insert(ds, r);
    recorders.add(r);
    return r;
  }

  private String nextName(String type) {
    int n = sequence.merge(type, 1, Integer::sum);
    return type + "-" + n;
  }

  private void insert(Object ds, PoolRecorder r) {
    Entry[] t = table;
    if ((size + 1) * 2 > t.length) {
      t = rehash(t);
    }
    int mask = t.length - 1;
    int h = System.identityHashCode(ds);
    int i = h & mask;
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = new Entry(ds, h, r);
    size++;
    table = t;
  }

  private Entry[] rehash(Entry[] old) {
    int live = 0;
    for (Entry e : old) {
      if (e != null && e.get() != null) {
        live++;
      }
    }
    int cap = 64;
    while (cap < (live + 1) * 4) {
      cap <<= 1;
    }
    Entry[] t = new Entry[cap];
    int mask = cap - 1;
    for (Entry e : old) {
      if (e != null && e.get() != null) {
        int i = e.hash & mask;
        while (t[i] != null) {
          i = (i + 1) & mask;
        }
        t[i] = e;
      }
    }
    size = live;
    return t;
  }

  /**
   * The recorder standing for connections a source opened outside any pool.
   *
   * @param target the database
   * @param source the driver or data source
   * @return the recorder
   */
  PoolRecorder unpooled(DbTarget target, Object source) {
    String type =
        source instanceof java.sql.Driver || source == null
            ? "DriverManager"
            : source.getClass().getSimpleName();
    String key = type + "|" + target;
    PoolRecorder r = unpooled.get(key);
    if (r == null) {
      synchronized (this) {
        r = unpooled.get(key);
        if (r == null) {
          r = new PoolRecorder(null, PoolAdapters.generic(), type, type, target, true);
          bindFamily(r);
          unpooled.put(key, r);
          recorders.add(r);
        }
      }
    }
    return r;
  }

  /**
   * A known pool whose configured target is this one, for attributing physical opens made on a
   * pool's own threads; null when none or more than one match.
   */
  public PoolRecorder knownPoolFor(DbTarget target) {
    return knownPoolFor(target, false);
  }

  /**
   * As {@link #knownPoolFor(DbTarget)}; with {@code closing}, closed pools count too (a pool closes
   * its connections after its close method was entered).
   */
  PoolRecorder knownPoolFor(DbTarget target, boolean closing) {
    PoolRecorder match = null;
    for (PoolRecorder r : recorders) {
      // Only the target already resolved on the export thread: calling into the pool here, on the
      // pool's own thread, could wait on a lock the borrowing thread holds.
      if (r.known && (closing || !r.closed()) && target.equals(r.resolvedTarget())) {
        if (match != null) {
          return null;
        }
        match = r;
      }
    }
    return match;
  }

  /**
   * The live known pool of a target whose own thread this is: the thread's name starts with the
   * pool's name and a separator ({@link #threadOfPool}); the longest such name, none when two live
   * pools share it. Export thread only: reads pool names.
   *
   * @param target the database
   * @param thread the thread's name
   * @return the pool, or null
   */
  public PoolRecorder poolOfThread(DbTarget target, String thread) {
    PoolRecorder match = null;
    int length = -1;
    boolean tie = false;
    for (PoolRecorder r : recorders) {
      if (r.known && !r.closed() && target.equals(r.resolvedTarget())) {
        String name = r.name();
        if (threadOfPool(thread, name)) {
          if (name.length() > length) {
            match = r;
            length = name.length();
            tie = false;
          } else if (name.length() == length) {
            tie = true;
          }
        }
      }
    }
    return tie ? null : match;
  }

  /**
   * Whether a thread is named for a pool: its name, then a separator that cannot continue a name
   * (HikariCP 5's "{@code <pool> connection adder}", 6's "{@code <pool>:connection-adder}"), so
   * that {@code HikariPool-1} is not {@code HikariPool-10}.
   */
  static boolean threadOfPool(String thread, String pool) {
    if (pool == null
        || pool.isEmpty()
        || thread.length() <= pool.length()
        || !thread.startsWith(pool)) {
      return false;
    }
    char c = thread.charAt(pool.length());
    return !Character.isLetterOrDigit(c) && c != '-' && c != '_' && c != '.';
  }

  /**
   * Makes a recorder share its family's capture window once its target is known. Runs once per
   * pool, off the borrow path proper: at the pool's first lease (before its call site is decided,
   * so a new pool of a family with an open window captures that very borrow) and on the scanner
   * when the pool shows a leak (for a pool whose target was learned later). May call into the pool
   * to read its target.
   *
   * @param r the recorder
   */
  public void bindFamily(PoolRecorder r) {
    if (r.familyBound()) {
      return;
    }
    DbTarget t = r.target();
    if (t == null || t == DbTarget.UNKNOWN) {
      return; // a window of its own until then
    }
    synchronized (families) {
      if (!r.familyBound()) {
        r.joinFamily(families.computeIfAbsent(new ChurnKey(r.type(), t), k -> new CaptureWindow()));
      }
    }
  }

  void addLeaseClass(Class<?> c) {
    if (!leaseClasses.contains(c)) {
      leaseClasses.add(c);
    }
  }

  boolean isLeaseClass(Class<?> c) {
    return leaseClasses.contains(c);
  }

  /** Slow path: a connection closed on a thread other than its borrower's. */
  Lease findForeign(Object conn) {
    for (ThreadState ts : threads) {
      for (Lease l : ts.leases()) {
        if (Lease.state(l.stamp()) != Lease.FREE && l.matches(conn)) {
          return l;
        }
      }
    }
    return null;
  }

  /** Identifies a churn series: pool type and database target. */
  public static final class ChurnKey {
    /** The pool type. */
    public final String type;

    /** The database target. */
    public final DbTarget target;

    ChurnKey(String type, DbTarget target) {
      this.type = type;
      this.target = target;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ChurnKey
          && ((ChurnKey) o).type.equals(type)
          && ((ChurnKey) o).target.equals(target);
    }

    @Override
    public int hashCode() {
      return type.hashCode() * 31 + target.hashCode();
    }
  }

  /**
   * Pools created and closed per type and target: the live recorders plus those already retired.
   *
   * @return key to {created, closed}
   */
  public Map<ChurnKey, long[]> churn() {
    Map<ChurnKey, long[]> out = new HashMap<>();
    for (Map.Entry<ChurnKey, long[]> e : retiredChurn.entrySet()) {
      out.put(e.getKey(), e.getValue().clone());
    }
    for (PoolRecorder r : recorders) {
      if (r.known && !r.unpooled() && !r.churnRetired) {
        long[] v = out.computeIfAbsent(new ChurnKey(r.type(), r.target()), k -> new long[2]);
        v[0]++;
        if (r.closed()) {
          v[1]++;
        }
      }
    }
    return out;
  }

  /**
   * Export thread: drops recorders of pools that were closed (or collected) and already exported
   * once, keeping only their churn counts, so a process that builds a pool per job does not grow.
   *
   * @param exportedOnce recorders that were part of the previous export
   */
  public void retire(java.util.Set<PoolRecorder> exportedOnce) {
    for (PoolRecorder r : recorders) {
      if (r.unpooled()) {
        continue;
      }
      if (r.ended() && exportedOnce.contains(r) && !hasLeases(r) && !r.waitsSinceSnapshot()) {
        drop(r);
      }
    }
  }

  /**
   * Export thread, while exports fail: keeps at most {@code max} closed (or collected) pools
   * waiting for an export to carry their final figures, dropping the oldest beyond that. Without it
   * a process that builds a pool per job would grow for as long as the collector is down. A dropped
   * pool's creation and close still count in the churn; its figures since the last successful
   * export are lost.
   *
   * @param max closed pools to keep
   * @return the number dropped now
   */
  public int dropClosedBeyond(int max) {
    int closed = 0;
    for (PoolRecorder r : recorders) {
      if (!r.unpooled() && r.ended()) {
        closed++;
      }
    }
    int dropped = 0;
    for (PoolRecorder r : recorders) { // oldest first
      if (closed - dropped <= max) {
        break;
      }
      if (!r.unpooled() && r.ended() && !hasLeases(r)) {
        drop(r);
        dropped++;
      }
    }
    return dropped;
  }

  private void drop(PoolRecorder r) {
    if (r.known && !r.churnRetired) {
      r.churnRetired = true;
      long[] v = retiredChurn.computeIfAbsent(new ChurnKey(r.type(), r.target()), k -> new long[2]);
      synchronized (v) {
        v[0]++;
        if (r.closed()) {
          v[1]++;
        }
      }
    }
    synchronized (this) { // against a revive in between
      r.dropped = true;
      recorders.remove(r);
    }
  }

  /**
   * A getConnection on a pool whose recorder was already retired (closed and exported): exported
   * again, so the failed (or, for a pool that reopens, successful) borrow is not lost. Rare: only
   * an application using a pool after closing it gets here.
   */
  synchronized void revive(PoolRecorder r) {
    if (r.dropped) {
      r.dropped = false;
      recorders.addIfAbsent(r);
    }
  }

  private boolean hasLeases(PoolRecorder r) {
    for (ThreadState ts : threads) {
      for (Lease l : ts.leases()) {
        if (Lease.state(l.stamp()) != Lease.FREE && l.recorder == r) {
          return true;
        }
      }
    }
    return false;
  }

  PoolRecorder poolCreated(Object pool) {
    PoolRecorder r = recorderFor(pool);
    r.constructedAt(() -> ConstructionSite.key(pool.getClass(), r.type()));
    return r;
  }

  boolean poolClosed(Object pool) {
    PoolRecorder r = find(pool);
    if (r != null) {
      r.resolveTargetOnce();
    }
    return r != null && r.markClosed();
  }
}
