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
 * (the agent's thread) race only through compare-and-set on the stamp. Every transition is a method
 * of this class, and no caller composes or takes apart a stamp:
 *
 * <pre>
 * FREE      -claim (owner)-------------> ACTIVE
 * ACTIVE    -freeByOwner / freeByCloser-> FREE
 * ACTIVE    -suspect (scanner)---------> SUSPECTED
 * SUSPECTED -returnSuspected (closer)--> RETURNED
 * RETURNED  -release (scanner)---------> FREE
 * </pre>
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

  /** Returned by {@link #suspect} when the compare-and-set lost; no stamp takes this value. */
  public static final long LOST = -1L;

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
    return (int) (stamp & STATE_BITS);
  }

  private static final long STATE_BITS = 7L;

  private static long with(long stamp, int state) {
    return (stamp & ~STATE_BITS) | state;
  }

  private static long generation(long stamp) {
    return stamp >>> 3;
  }

  /**
   * Whether two stamps belong to the same use of the slot (the slot was not reused in between),
   * whatever their states.
   *
   * @param a a stamp
   * @param b another stamp
   * @return true for the same lease
   */
  public static boolean sameLease(long a, long b) {
    return generation(a) == generation(b);
  }

  /**
   * Reads the stamp with acquire semantics so the fields written before it are visible.
   *
   * @return the stamp
   */
  public long stamp() {
    return (long) STAMP.getAcquire(this);
  }

  private boolean cas(long expect, int state) {
    return STAMP.compareAndSet(this, expect, with(expect, state));
  }

  /**
   * Scanner only: marks an ACTIVE lease suspected.
   *
   * @param stamp the ACTIVE stamp read before
   * @return the SUSPECTED stamp now in place, or {@link #LOST} when the lease changed meanwhile
   */
  public long suspect(long stamp) {
    if (state(stamp) != ACTIVE || !cas(stamp, SUSPECTED)) {
      return LOST;
    }
    return with(stamp, SUSPECTED);
  }

  /**
   * A thread other than the owner frees an ACTIVE lease.
   *
   * @param stamp the ACTIVE stamp read before
   * @return whether this caller won
   */
  boolean freeByCloser(long stamp) {
    return state(stamp) == ACTIVE && cas(stamp, FREE);
  }

  /**
   * Any closer ends a SUSPECTED lease; the scanner then reports the return and frees the slot.
   *
   * @param stamp the SUSPECTED stamp read before
   * @param now the close time
   * @return whether this caller won
   */
  boolean returnSuspected(long stamp, long now) {
    if (state(stamp) != SUSPECTED) {
      return false;
    }
    end = now;
    return cas(stamp, RETURNED);
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
    STAMP.setRelease(this, ((generation(s) + 1) << 3) | ACTIVE);
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
