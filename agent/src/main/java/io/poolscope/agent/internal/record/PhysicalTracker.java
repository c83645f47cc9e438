package io.poolscope.agent.internal.record;

import io.poolscope.agent.internal.target.DbTarget;
import io.poolscope.agent.internal.target.DbUser;
import io.poolscope.agent.internal.target.RefusalLimit;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Physical connections this JVM holds open, per database target and database user: what counts
 * against the database's max_connections and its per-role limits. Opens and closes are rare
 * (milliseconds of network I/O each), so this class may lock and allocate; the per-close class
 * check is lock-free.
 */
public final class PhysicalTracker {

  /**
   * Most (target, user) pairs kept apart; beyond it, opens count under an unknown user, so an
   * application that makes up user names cannot grow this without bound.
   */
  static final int MAX_KEYS = 256;

  /** A target and the database user of its connections ({@link DbUser#UNKNOWN} when unknown). */
  private static final class Key {
    final DbTarget target;
    final String user;

    Key(DbTarget target, String user) {
      this.target = target;
      this.user = user;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && ((Key) o).target.equals(target) && ((Key) o).user.equals(user);
    }

    @Override
    public int hashCode() {
      return target.hashCode() * 31 + user.hashCode();
    }
  }

  private static final class Ref extends WeakReference<Object> {
    final int hash;
    final Key key;
    final long openedNanos;
    // The pool it was opened for; null until known (a pool's own thread, or its constructor
    // until it returns). Guarded by byHash.
    PoolRecorder owner;
    // The pool's own thread that opened it, while the owner is not known; else null.
    final String thread;

    Ref(
        Object conn,
        ReferenceQueue<Object> q,
        Key key,
        PoolRecorder owner,
        long now,
        String thread) {
      super(conn, q);
      this.hash = System.identityHashCode(conn);
      this.key = key;
      this.owner = owner;
      this.openedNanos = now;
      this.thread = thread;
    }
  }

  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
  private final Map<Integer, Object> byHash = new HashMap<>();
  private final ConcurrentHashMap<Key, AtomicLong> open = new ConcurrentHashMap<>();
  // target -> SQLState -> limit (RefusalLimit) -> count
  private final ConcurrentHashMap<
          DbTarget, ConcurrentHashMap<String, ConcurrentHashMap<String, AtomicLong>>>
      refused = new ConcurrentHashMap<>();
  private final ClassSet physicalClasses = new ClassSet();

  /**
   * Whether objects of this class were returned by a physical open.
   *
   * @param c a connection class
   * @return true for driver connection classes
   */
  boolean isPhysicalClass(Class<?> c) {
    return physicalClasses.contains(c);
  }

  /**
   * Counts a physical connection open.
   *
   * @param thread the pool's own thread that opened it when its pool is not known (owner null)
   * @return a token for {@link #claim}
   */
  Object opened(
      Object conn, DbTarget target, String user, PoolRecorder owner, long now, String thread) {
    Class<?> c = conn.getClass();
    if (!isPhysicalClass(c)) {
      physicalClasses.add(c);
    }
    Key key = new Key(target, user == null ? DbUser.UNKNOWN : user);
    if (open.size() >= MAX_KEYS && !open.containsKey(key)) {
      key = new Key(target, DbUser.UNKNOWN);
    }
    Ref ref = new Ref(conn, queue, key, owner, now, thread);
    synchronized (byHash) {
      expunge();
      Object prev = byHash.get(ref.hash);
      if (prev == null) {
        byHash.put(ref.hash, ref);
      } else if (prev instanceof Ref) {
        if (((Ref) prev).get() == conn) {
          return prev;
        }
        java.util.List<Ref> list = new java.util.ArrayList<>(2);
        list.add((Ref) prev);
        list.add(ref);
        byHash.put(ref.hash, list);
      } else {
        @SuppressWarnings("unchecked")
        java.util.List<Ref> list = (java.util.List<Ref>) prev;
        for (Ref r : list) {
          if (r.get() == conn) {
            return r;
          }
        }
        list.add(ref);
      }
    }
    open.computeIfAbsent(key, t -> new AtomicLong()).incrementAndGet();
    return ref;
  }

  /**
   * Gives a connection opened without a known pool its pool, unless it has one already.
   *
   * @param token what {@link #opened} returned
   * @param owner the pool
   * @return the connection's target
   */
  DbTarget claim(Object token, PoolRecorder owner) {
    Ref ref = (Ref) token;
    synchronized (byHash) {
      if (ref.owner == null) {
        ref.owner = owner;
      }
    }
    return ref.key.target;
  }

  /**
   * Counts a physical close, on the owner's figures; a connection whose owner was not known yet
   * goes to the target's one known pool, as the next export would have decided.
   */
  void closed(Object conn, Registry registry) {
    int h = System.identityHashCode(conn);
    Key target = null;
    PoolRecorder owner = null;
    long opened = 0;
    synchronized (byHash) {
      Object prev = byHash.get(h);
      if (prev instanceof Ref) {
        if (((Ref) prev).get() == conn) {
          target = ((Ref) prev).key;
          owner = ((Ref) prev).owner;
          opened = ((Ref) prev).openedNanos;
          byHash.remove(h);
        }
      } else if (prev != null) {
        @SuppressWarnings("unchecked")
        java.util.List<Ref> list = (java.util.List<Ref>) prev;
        for (java.util.Iterator<Ref> it = list.iterator(); it.hasNext(); ) {
          Ref r = it.next();
          if (r.get() == conn) {
            target = r.key;
            owner = r.owner;
            opened = r.openedNanos;
            it.remove();
            break;
          }
        }
        if (list.isEmpty()) {
          byHash.remove(h);
        }
      }
    }
    if (target != null) {
      open.get(target).decrementAndGet();
    }
    if (owner == null && target != null) {
      owner = registry.knownPoolFor(target.target, true);
    }
    if (owner != null) {
      owner.physicalLife().closed(System.nanoTime() - opened, owner.adapter(), owner.dataSource());
    }
  }

  /**
   * The opening time of each pool's oldest physical connection still open, after dropping collected
   * ones. A connection opened on a pool's own thread before its pool was known is attributed here
   * to the one known pool with its target, as its create time is (export thread only).
   *
   * @param registry the pools
   * @return pool to {@link System#nanoTime()} of its oldest open
   */
  public Map<PoolRecorder, Long> oldestOpen(Registry registry) {
    Map<PoolRecorder, Long> out = new java.util.IdentityHashMap<>();
    synchronized (byHash) {
      expunge();
      for (Object v : byHash.values()) {
        if (v instanceof Ref) {
          oldest((Ref) v, registry, out);
        } else {
          @SuppressWarnings("unchecked")
          java.util.List<Ref> list = (java.util.List<Ref>) v;
          for (Ref r : list) {
            oldest(r, registry, out);
          }
        }
      }
    }
    return out;
  }

  private static void oldest(Ref r, Registry registry, Map<PoolRecorder, Long> out) {
    if (r.owner == null && r.thread != null) {
      r.owner = registry.poolOfThread(r.key.target, r.thread);
    }
    if (r.owner == null) {
      r.owner = registry.knownPoolFor(r.key.target);
    }
    if (r.owner != null && r.get() != null) {
      out.merge(r.owner, r.openedNanos, Math::min);
    }
  }

  /** Connections collected without close() no longer count as open (the driver's socket dies). */
  private void expunge() {
    Object x;
    while ((x = queue.poll()) != null) {
      Ref ref = (Ref) x;
      Object prev = byHash.get(ref.hash);
      boolean removed = false;
      if (prev == ref) {
        byHash.remove(ref.hash);
        removed = true;
      } else if (prev instanceof java.util.List) {
        removed = ((java.util.List<?>) prev).remove(ref);
        if (((java.util.List<?>) prev).isEmpty()) {
          byHash.remove(ref.hash);
        }
      }
      if (removed) {
        open.get(ref.key).decrementAndGet();
      }
    }
  }

  /** Threads per target whose creates are kept apart; the rest share one histogram. */
  static final int MAX_CREATOR_THREADS = 256;

  // target -> the pool's own thread that opened them ("" past MAX_CREATOR_THREADS) -> create times
  private final Map<DbTarget, Map<String, Histogram>> unattributed = new HashMap<>();

  void unattributedCreate(DbTarget target, long nanos, String thread) {
    synchronized (unattributed) {
      Map<String, Histogram> byThread = unattributed.computeIfAbsent(target, t -> new HashMap<>());
      String key =
          byThread.containsKey(thread) || byThread.size() < MAX_CREATOR_THREADS ? thread : "";
      byThread.computeIfAbsent(key, k -> new Histogram()).record(nanos);
    }
  }

  /**
   * The create times of connections pools opened on their own threads, without a lease or a
   * constructor to name the pool, per pool: a thread's go to the target's one known pool, else to
   * the pool the thread is named for ({@link Registry#poolOfThread}). Decided once per export, on
   * the export thread; cumulative, as every create count.
   *
   * @param registry the pools
   * @return pool to its create times
   */
  public Map<PoolRecorder, HistogramSnapshot> unattributedCreates(Registry registry) {
    Map<PoolRecorder, HistogramSnapshot> out = new java.util.IdentityHashMap<>();
    synchronized (unattributed) {
      unattributed.forEach(
          (target, byThread) -> {
            PoolRecorder only = registry.knownPoolFor(target);
            byThread.forEach(
                (thread, h) -> {
                  PoolRecorder owner = only != null ? only : registry.poolOfThread(target, thread);
                  if (owner != null) {
                    h.addTo(out.computeIfAbsent(owner, k -> new HistogramSnapshot()));
                  }
                });
          });
    }
    return out;
  }

  void refused(DbTarget target, String sqlState) {
    refused(target, sqlState, RefusalLimit.UNKNOWN);
  }

  void refused(DbTarget target, String sqlState, String limit) {
    refused
        .computeIfAbsent(target, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(sqlState, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(limit, s -> new AtomicLong())
        .incrementAndGet();
  }

  /**
   * Open physical connections per target, after dropping collected ones.
   *
   * @return target to count
   */
  public Map<DbTarget, Long> open() {
    Map<DbTarget, Long> out = new HashMap<>();
    openByUser().forEach((t, users) -> out.put(t, sum(users.values())));
    return out;
  }

  /**
   * Open physical connections per target and database user, after dropping collected ones.
   *
   * @return target to (user, {@link DbUser#UNKNOWN} when unknown, to count)
   */
  public Map<DbTarget, Map<String, Long>> openByUser() {
    synchronized (byHash) {
      expunge();
    }
    Map<DbTarget, Map<String, Long>> out = new HashMap<>();
    open.forEach(
        (k, n) ->
            out.computeIfAbsent(k.target, t -> new HashMap<>()).merge(k.user, n.get(), Long::sum));
    return out;
  }

  /**
   * Refused opens per target and SQLState.
   *
   * @return target to (state to count)
   */
  public Map<DbTarget, Map<String, Long>> refused() {
    Map<DbTarget, Map<String, Long>> out = new HashMap<>();
    refusedByLimit()
        .forEach(
            (t, m) -> {
              Map<String, Long> inner = new HashMap<>();
              m.forEach((s, limits) -> inner.put(s, sum(limits.values())));
              out.put(t, inner);
            });
    return out;
  }

  /**
   * Refused opens per target, SQLState and the limit that refused them.
   *
   * @return target to (state to (limit, a {@link RefusalLimit} constant, to count))
   */
  public Map<DbTarget, Map<String, Map<String, Long>>> refusedByLimit() {
    Map<DbTarget, Map<String, Map<String, Long>>> out = new HashMap<>();
    refused.forEach(
        (t, m) -> {
          Map<String, Map<String, Long>> states = new HashMap<>();
          m.forEach(
              (s, limits) -> {
                Map<String, Long> inner = new HashMap<>();
                limits.forEach((l, n) -> inner.put(l, n.get()));
                states.put(s, inner);
              });
          out.put(t, states);
        });
    return out;
  }

  private static long sum(java.util.Collection<Long> values) {
    long n = 0;
    for (long v : values) {
      n += v;
    }
    return n;
  }
}
