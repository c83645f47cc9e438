package io.poolscope.agent.internal.record;

import io.poolscope.agent.internal.pools.PoolAdapter;
import io.poolscope.agent.internal.target.DbTarget;
import java.lang.ref.WeakReference;
import java.util.Iterator;

/**
 * The per-pool state: identity, configuration access through its {@link PoolAdapter}, and the list
 * of per-thread stats the export sums. Created once per pool (or unpooled source) on first sight;
 * the hot path only reads it.
 */
public final class PoolRecorder {
  private final WeakReference<Object> dataSource;
  private final PoolAdapter adapter;
  private final String type;
  private final String fallbackName;
  private final long createdEpochNanos;
  // Not copy-on-write: a virtual thread per request adds one entry per pool it borrows from.
  private final java.util.concurrent.ConcurrentLinkedQueue<PoolStats> stats =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final PoolStats retired = new PoolStats(null);
  // Waits in the last snapshot (export thread only).
  private long exportedWaits;

  /** Whether this is a pool the agent knows (has an adapter), as opposed to a wrapper. */
  final boolean known;

  /** Whether this recorder stands for unpooled physical connections (DriverManager). */
  private final boolean unpooled;

  private volatile DbTarget target;
  private volatile String name;
  private volatile boolean nameFrozen;
  // Set once, in the pool's constructor; null for sources the agent did not see being built.
  private volatile String familyKey;
  private volatile boolean familyTried;
  private volatile boolean closed;
  // Dropped from the export after its pool was closed; a borrow attempt on the closed pool brings
  // it back for the export that carries that attempt.
  volatile boolean dropped;
  // Its created/closed counts are in the registry's retired churn (export thread only).
  boolean churnRetired;
  private volatile boolean used;
  // Its own until the target is known, then the one its family (type and target) shares.
  private volatile CaptureWindow window = new CaptureWindow();
  private volatile boolean familyBound;
  // Weak: a web application's connection class must not keep its loader alive (ClassSet).
  private volatile WeakReference<Class<?>> lastConnClass;

  private final PhysicalLife physicalLife = new PhysicalLife();

  /** Leak counts; written only by the scanner thread. */
  public long leaksSuspected;

  /** See {@link #leaksSuspected}. */
  public long leaksReturned;

  /** See {@link #leaksSuspected}. */
  public long leaksCollected;

  PoolRecorder(
      Object dataSource,
      PoolAdapter adapter,
      String type,
      String fallbackName,
      DbTarget target,
      boolean unpooled) {
    this.dataSource = dataSource == null ? null : new WeakReference<>(dataSource);
    this.adapter = adapter;
    this.type = type;
    this.fallbackName = fallbackName;
    this.known = adapter.known();
    this.unpooled = unpooled;
    this.target = target;
    this.createdEpochNanos = System.currentTimeMillis() * 1_000_000L;
  }

  /**
   * The data source, or null once it was collected (or for unpooled sources).
   *
   * @return the pool object
   */
  public Object dataSource() {
    return dataSource == null ? null : dataSource.get();
  }

  PoolStats newStats(Thread writer) {
    PoolStats s = new PoolStats(writer);
    stats.add(s);
    used = true;
    return s;
  }

  /**
   * Sums every thread's stats (folding those of dead threads into a retained total).
   *
   * @param wait receives wait times
   * @param use receives use times
   * @param create receives create times
   * @return the number of failed getConnection calls
   */
  public long snapshot(HistogramSnapshot wait, HistogramSnapshot use, HistogramSnapshot create) {
    long timeouts = 0;
    Iterator<PoolStats> it = stats.iterator();
    while (it.hasNext()) {
      PoolStats s = it.next();
      if (s.writerGone()) {
        // Its thread ended: nothing can change any more, keep the sum and forget the object.
        fold(s);
        it.remove();
        continue;
      }
      s.wait.addTo(wait);
      s.use.addTo(use);
      s.create.addTo(create);
      timeouts += s.timeouts;
    }
    retired.wait.addTo(wait);
    retired.use.addTo(use);
    retired.create.addTo(create);
    exportedWaits = wait.count;
    return timeouts + retired.timeouts;
  }

  /**
   * Whether a getConnection was recorded since the last {@link #snapshot} (every attempt records a
   * wait), so a closed pool is not retired before an export carried its last attempts.
   */
  boolean waitsSinceSnapshot() {
    long n = retired.wait.count;
    for (PoolStats s : stats) {
      n += s.wait.count;
    }
    return n != exportedWaits;
  }

  private void fold(PoolStats s) {
    foldHistogram(s.wait, retired.wait);
    foldHistogram(s.use, retired.use);
    foldHistogram(s.create, retired.create);
    retired.timeouts += s.timeouts;
  }

  private static void foldHistogram(Histogram from, Histogram to) {
    for (int i = 0; i < from.counts.length; i++) {
      to.counts[i] += from.counts[i];
    }
    to.count += from.count;
    to.sumNanos += from.sumNanos;
    if (from.count > 0) {
      to.minNanos = Math.min(to.minNanos, from.minNanos);
      to.maxNanos = Math.max(to.maxNanos, from.maxNanos);
    }
  }

  /**
   * Closes and lifetime of the physical connections opened for this pool.
   *
   * @return the pool's physical connection figures
   */
  public PhysicalLife physicalLife() {
    return physicalLife;
  }

  /**
   * The adapter reading this pool's own figures.
   *
   * @return the adapter
   */
  public PoolAdapter adapter() {
    return adapter;
  }

  /**
   * The pool's class simple name, {@code poolscope.pool.type}.
   *
   * @return the type
   */
  public String type() {
    return type;
  }

  /**
   * Whether the pool is one the agent has an adapter for.
   *
   * @return true for known pools
   */
  public boolean known() {
    return known;
  }

  /**
   * Whether this recorder stands for connections opened outside any pool.
   *
   * @return true for DriverManager-style sources
   */
  public boolean unpooled() {
    return unpooled;
  }

  /**
   * Whether anything was ever recorded (wrappers that never lend are not exported).
   *
   * @return true once a thread recorded into this pool
   */
  public boolean used() {
    return used;
  }

  /**
   * The stable pool name: the pool's own name where it has one, else type-sequence. Frozen after
   * the first lease so a series never changes its name.
   *
   * @return the name
   */
  public String name() {
    if (nameFrozen) {
      return name;
    }
    String n = null;
    Object ds = dataSource();
    if (ds != null) {
      try {
        n = adapter.name(ds);
      } catch (RuntimeException | LinkageError e) {
        n = null;
      }
    }
    if (n == null || n.isEmpty()) {
      n = fallbackName;
    }
    name = n;
    if (used) {
      nameFrozen = true;
    }
    return n;
  }

  /**
   * The pool family, {@code poolscope.pool.family}: the key of the line that constructed the pool
   * ({@link io.poolscope.agent.internal.family.ConstructionSite}), or the pool's {@link #name()}
   * when the agent did not see it being constructed by application code (unpooled sources,
   * wrappers, pools built before the agent was attached).
   *
   * @return the family key
   */
  public String family() {
    String f = familyKey;
    return f != null ? f : name();
  }

  /** Registry, in the pool's constructor: the first (innermost) constructor decides. */
  void constructedAt(java.util.function.Supplier<String> site) {
    if (!familyTried) {
      familyTried = true;
      try {
        familyKey = site.get();
      } catch (RuntimeException | LinkageError e) {
        familyKey = null; // the pool's name stands in, as for a pool built before the agent
      }
    }
  }

  /**
   * The database this pool connects to, read from the pool's configuration or learned from a
   * physical open made for it.
   *
   * @return the target, {@link DbTarget#UNKNOWN} when not known yet
   */
  public DbTarget target() {
    DbTarget t = target;
    if (t != null && t != DbTarget.UNKNOWN) {
      return t;
    }
    Object ds = dataSource();
    if (ds != null) {
      try {
        DbTarget read = adapter.target(ds);
        if (read != null && read != DbTarget.UNKNOWN) {
          target = read;
          return read;
        }
      } catch (RuntimeException | LinkageError e) {
        // The pool is not configured yet; try again at the next export.
      }
    }
    return t == null ? DbTarget.UNKNOWN : t;
  }

  private volatile boolean targetTried;

  /**
   * Reads the pool's target once on an application thread (first lease, close), so a pool that is
   * closed and collected before any export still has its database in the churn figures.
   */
  void resolveTargetOnce() {
    if (!targetTried) {
      targetTried = true;
      target();
    }
  }

  boolean targetTried() {
    return targetTried;
  }

  /** The target if already known, without calling into the pool. */
  DbTarget resolvedTarget() {
    return target;
  }

  void learnTarget(DbTarget t) {
    DbTarget cur = target;
    if ((cur == null || cur == DbTarget.UNKNOWN) && t != null) {
      target = t;
    }
  }

  /**
   * When the recorder was created, the start of its cumulative series.
   *
   * @return epoch nanoseconds
   */
  public long createdEpochNanos() {
    return createdEpochNanos;
  }

  boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  /**
   * Whether the pool was closed.
   *
   * @return true once closed
   */
  public boolean closed() {
    return closed;
  }

  /**
   * Whether the pool is over: closed, or its data source garbage collected.
   *
   * @return true once closed or collected
   */
  public boolean ended() {
    return closed || dataSource() == null;
  }

  /**
   * Starts (or extends) the window in which every borrow captures its call site, for every pool of
   * this pool's family (same type and target), including pools created later.
   *
   * @param untilNanos end of the window, {@link System#nanoTime()} based
   */
  public void captureUntil(long untilNanos) {
    CaptureWindow w;
    do {
      w = window;
      w.extendTo(untilNanos);
      // Joined the family meanwhile: the join may have copied the old window before this write.
    } while (w != window);
  }

  /**
   * Borrow path: one read of the pre-resolved window, one volatile read of its end; inside the
   * window, whether this borrow takes one of the family's rate-limited captures.
   */
  boolean capturing(long now) {
    return window.take(now);
  }

  boolean familyBound() {
    return familyBound;
  }

  /** Registry, under its family lock, once the target is known: shares the family's window. */
  void joinFamily(CaptureWindow family) {
    CaptureWindow own = window;
    window = family;
    family.extendTo(own.until());
    familyBound = true;
  }

  void noteConnClass(Class<?> c, Registry registry) {
    WeakReference<Class<?>> last = lastConnClass;
    if (last == null || last.get() != c) {
      lastConnClass = new WeakReference<>(c);
      registry.addLeaseClass(c);
    }
  }
}
