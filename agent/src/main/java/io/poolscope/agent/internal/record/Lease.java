package io.poolscope.agent.internal.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/**
 * One slot of a thread's lease table: a connection handed out by getConnection and not yet closed.
 * Slots are reused, so a lease costs no allocation. The low three bits of {@link #stamp} are the
 * state, the rest a generation that changes on every reuse, so a compare-and-set on the stamp also
 * proves it is still the same lease.
 *
 * <p>Only the owning thread moves a slot out of FREE. The closer (any thread) and the leak scanner
 * (the agent's thread) race only through compare-and-set on the stamp.
 */
public final class Lease {
  /** Not in use. */
  public static final int FREE = 0;

  /** Handed out, not closed. */
  public static final int ACTIVE = 1;

  /** Held past the leak threshold and reported. */
  public static final int SUSPECTED = 2;

  /** Closed after it was reported; the scanner reports the return and frees the slot. */
  public static final int RETURNED = 3;

  private static final VarHandle STAMP;
  private static final VarHandle CONN;
  private static final VarHandle WEAK;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STAMP = l.findVarHandle(Lease.class, "stamp", long.class);
      CONN = l.findVarHandle(Lease.class, "conn", Object.class);
      WEAK = l.findVarHandle(Lease.class, "weak", WeakReference.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The thread state whose table holds this slot; its thread is the borrower. */
  public final ThreadState owner;

  @SuppressWarnings("unused") // accessed through STAMP
  private long stamp;

  @SuppressWarnings("unused") // accessed through CONN
  private Object conn;

  @SuppressWarnings("unused") // accessed through WEAK
  private WeakReference<Object> weak;

  long start;
  long end;
  long id;
  PoolRecorder recorder;
  Throwable callSite;

  Lease(ThreadState owner) {
    this.owner = owner;
  }

  /**
   * The state bits of a stamp.
   *
   * @param stamp a stamp
   * @return FREE, ACTIVE, SUSPECTED or RETURNED
   */
  public static int state(long stamp) {
    return (int) (stamp & 7);
  }

  static long with(long stamp, int state) {
    return (stamp & ~7L) | state;
  }

  /**
   * Reads the stamp with acquire semantics so the fields written before it are visible.
   *
   * @return the stamp
   */
  public long stamp() {
    return (long) STAMP.getAcquire(this);
  }

  /**
   * Moves the slot from one stamp to another.
   *
   * @param expect the stamp read before
   * @param update the new stamp
   * @return whether this caller won
   */
  public boolean cas(long expect, long update) {
    return STAMP.compareAndSet(this, expect, update);
  }

  /** Owner only: fills a FREE slot and publishes it. */
  void claim(PoolRecorder r, Object c, long now, Throwable site, long leaseId) {
    long s = (long) STAMP.get(this);
    WEAK.set(this, null);
    CONN.set(this, c);
    recorder = r;
    start = now;
    callSite = site;
    id = leaseId;
    STAMP.setRelease(this, (((s >>> 3) + 1) << 3) | ACTIVE);
  }

  boolean matches(Object c) {
    Object strong = CONN.getAcquire(this);
    if (strong == c) {
      return true;
    }
    if (strong == null) {
      @SuppressWarnings("unchecked")
      WeakReference<Object> w = (WeakReference<Object>) WEAK.getAcquire(this);
      return w != null && w.get() == c;
    }
    return false;
  }

  /**
   * Owner only: frees an ACTIVE slot with a plain release store instead of a compare-and-set. If
   * the scanner marked the lease suspected in between, the scanner sees the slot freed (or reused)
   * and reports the return itself.
   */
  void freeByOwner(long stamp, long now) {
    end = now;
    STAMP.setRelease(this, with(stamp, FREE));
  }

  /** Drops the references of a freed slot, so a closed connection is not kept reachable. */
  void clear() {
    CONN.setRelease(this, null);
    WEAK.setRelease(this, null);
    callSite = null;
  }

  /**
   * Scanner only: replaces the strong reference by a weak one, so a connection the application
   * dropped can be collected and reported. Done only for leases older than one scan, so short
   * leases never allocate.
   *
   * @return false when the lease changed meanwhile
   */
  public boolean weaken() {
    Object c = CONN.getAcquire(this);
    if (c == null) {
      return true;
    }
    WeakReference<Object> w = new WeakReference<>(c);
    WEAK.setRelease(this, w);
    if (!CONN.compareAndSet(this, c, null)) {
      WEAK.compareAndSet(this, w, null);
      return false;
    }
    return true;
  }

  /**
   * Whether the connection of this lease was garbage-collected without being closed.
   *
   * @return true when only a cleared weak reference is left
   */
  public boolean collected() {
    if (CONN.getAcquire(this) != null) {
      return false;
    }
    @SuppressWarnings("unchecked")
    WeakReference<Object> w = (WeakReference<Object>) WEAK.getAcquire(this);
    return w != null && w.get() == null;
  }

  /**
   * Whether the scanner already replaced the strong reference.
   *
   * @return true once weakened
   */
  public boolean weakened() {
    return WEAK.getAcquire(this) != null;
  }

  /**
   * When the lease started ({@link System#nanoTime()}).
   *
   * @return the start
   */
  public long start() {
    return start;
  }

  /**
   * When a reported lease was closed.
   *
   * @return the end
   */
  public long end() {
    return end;
  }

  /**
   * The lease id, unique in this JVM.
   *
   * @return the id
   */
  public long id() {
    return id;
  }

  /**
   * The pool the lease came from.
   *
   * @return the recorder
   */
  public PoolRecorder recorder() {
    return recorder;
  }

  /**
   * The borrower's stack at getConnection, when it was captured.
   *
   * @return the call site or null
   */
  public Throwable callSite() {
    return callSite;
  }

  /** Scanner only: forgets a reported lease before freeing it. */
  public void release(long stampNow) {
    clear();
    recorder = null;
    STAMP.setRelease(this, with(stampNow, FREE));
  }
}
