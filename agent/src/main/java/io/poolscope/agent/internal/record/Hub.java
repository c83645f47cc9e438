package io.poolscope.agent.internal.record;

import io.poolscope.agent.bootstrap.Hooks;
import io.poolscope.agent.internal.Diagnostics;
import io.poolscope.agent.internal.pools.PoolAdapters;
import io.poolscope.agent.internal.target.DbTarget;
import io.poolscope.agent.internal.target.DbUser;
import io.poolscope.agent.internal.target.JdbcUrls;
import io.poolscope.agent.internal.target.RefusalLimit;
import java.sql.SQLException;

/**
 * The hooks the advice calls. The lease path (getConnection, close) reads one thread-local, does
 * three clock reads, plain writes into thread-owned state and one compare-and-set on a thread-owned
 * slot; it never allocates (except a call site when capture is on for the pool's family), locks,
 * logs or does I/O. Physical opens are rare and may do all of those.
 */
public final class Hub extends Hooks {
  /** Physical connections one thread's pool constructors may open before they are attributed. */
  static final int MAX_CONSTRUCTED = 64;

  private final Registry registry;
  private final PhysicalTracker physical;
  private final boolean capture;
  private final int sampleRate;

  private final ThreadLocal<ThreadState> state =
      new ThreadLocal<ThreadState>() {
        @Override
        protected ThreadState initialValue() {
          return registry.newThreadState(Thread.currentThread());
        }
      };

  /**
   * Creates the hooks.
   *
   * @param registry the pools and threads
   * @param physical the physical connection tracker
   * @param capture whether call sites are captured at all
   * @param sampleRate capture one borrow in this many outside a capture window (0 = never)
   */
  public Hub(Registry registry, PhysicalTracker physical, boolean capture, int sampleRate) {
    this.registry = registry;
    this.physical = physical;
    this.capture = capture;
    this.sampleRate = sampleRate;
  }

  @Override
  public Object leaseEnter(Object ds) {
    ThreadState ts = state.get();
    PoolRecorder r = ts.lastRecorder;
    if (r == null || r.dataSource() != ds) {
      r = registry.recorderFor(ds);
      ts.lastRecorder = r;
    }
    if (r.dropped) {
      registry.revive(r);
    }
    if (ts.leaseDepth == 0) {
      ts.leaseOwner = r;
      ts.pending(r);
      ts.waitStart = System.nanoTime();
    } else if (r.known && !ts.leaseOwner.known) {
      // A wrapper around a known pool: the lease belongs to the pool, whose figures we can read.
      ts.leaseOwner = r;
      ts.pending(r);
    }
    ts.leaseDepth++;
    return ts;
  }

  @Override
  public void leaseExit(Object token, Object conn, Throwable thrown) {
    if (token == null) {
      return;
    }
    ThreadState ts = (ThreadState) token;
    if (--ts.leaseDepth != 0) {
      return;
    }
    long now = System.nanoTime();
    PoolRecorder r = ts.leaseOwner;
    ts.leaseOwner = null;
    ts.pending(null);
    PoolStats s = ts.stats(r);
    s.wait.record(now - ts.waitStart);
    if (thrown != null) {
      s.timeouts++;
      return;
    }
    if (conn == null) {
      return;
    }
    if (!r.targetTried()) {
      // Once per pool, before the call site is decided: a new pool joins its family's capture
      // window here, so its first borrow is captured if the family has shown a leak.
      r.resolveTargetOnce();
      registry.bindFamily(r);
    }
    ts.startLease(r, conn, now, callSite(ts, r, now));
    r.noteConnClass(conn.getClass(), registry);
  }

  private Throwable callSite(ThreadState ts, PoolRecorder r, long now) {
    if (!capture) {
      return null;
    }
    if (r.capturing(now)) {
      return new CallSite();
    }
    if (sampleRate > 0 && --ts.sampleCountdown <= 0) {
      ts.sampleCountdown = sampleRate;
      return new CallSite();
    }
    return null;
  }

  @Override
  public Object closeEnter(Object conn) {
    ThreadState ts = state.get();
    if (ts.closeDepth++ == 0) {
      ts.closeMatched = false;
    }
    if (!ts.closeMatched) {
      Lease l = ts.findOwn(conn);
      if (l != null) {
        ts.closeMatched = true;
        end(ts, l, System.nanoTime(), true);
      }
    }
    return ts;
  }

  @Override
  public void closeExit(Object token, Object conn, Throwable thrown) {
    if (token == null) {
      return;
    }
    ThreadState ts = (ThreadState) token;
    Class<?> c = conn.getClass();
    if (physical.isPhysicalClass(c)) {
      physical.closed(conn, registry);
    }
    if (!ts.closeMatched && conn != ts.lastClosed && registry.isLeaseClass(c)) {
      Lease l = registry.findForeign(conn);
      if (l != null) {
        ts.closeMatched = true;
        end(ts, l, System.nanoTime(), l.owner == ts);
      }
    }
    if (--ts.closeDepth == 0) {
      ts.lastClosed = conn;
    }
  }

  private void end(ThreadState ts, Lease l, long now, boolean ownThread) {
    long s = l.stamp();
    PoolRecorder r = l.recorder;
    long start = l.start;
    int st = Lease.state(s);
    if (st == Lease.ACTIVE) {
      if (ownThread) {
        // The common case needs no atomic instruction: only this thread reuses the slot.
        l.freeByOwner(s, now);
        ts.stats(r).use.record(now - start);
        l.clear();
        return;
      }
      if (l.freeByCloser(s)) {
        ts.stats(r).use.record(now - start);
        return;
      }
      s = l.stamp();
      st = Lease.state(s);
    }
    if (st == Lease.SUSPECTED) {
      if (l.returnSuspected(s, now)) {
        ts.stats(r).use.record(now - start);
      }
    }
  }

  @Override
  public Object physicalEnter(Object source, String url) {
    ThreadState ts = state.get();
    if (ts.physDepth++ == 0) {
      ts.physSource = source;
      ts.physUrl = url;
      ts.physUser = null;
      ts.physStart = System.nanoTime();
    }
    return ts;
  }

  @Override
  public Object physicalEnter(Object source, String url, java.util.Properties info) {
    ThreadState ts = (ThreadState) physicalEnter(source, url);
    // The outermost call that names a user wins: a data source's getConnection(user, password)
    // over the properties it hands its driver, those over the data source's configured user.
    if (ts.physUser == null && info != null) {
      ts.physUser = info.getProperty("user");
    }
    return ts;
  }

  @Override
  public Object physicalEnterAs(Object source, String user) {
    ThreadState ts = (ThreadState) physicalEnter(source, null);
    if (ts.physUser == null) {
      ts.physUser = user;
    }
    return ts;
  }

  @Override
  public void physicalExit(Object token, Object conn, Throwable thrown) {
    if (token == null) {
      return;
    }
    ThreadState ts = (ThreadState) token;
    if (--ts.physDepth != 0) {
      return;
    }
    long now = System.nanoTime();
    Object source = ts.physSource;
    String url = ts.physUrl;
    String user = ts.physUser;
    ts.physSource = null;
    ts.physUrl = null;
    ts.physUser = null;
    if (conn == null && thrown == null) {
      return; // a driver declining a URL that is not its own
    }
    try {
      DbTarget target = url != null ? JdbcUrls.parse(url) : PoolAdapters.sourceTarget(source);
      if (thrown != null) {
        physical.refused(target, errorType(thrown), RefusalLimit.of(thrown, target.system()));
        return;
      }
      PoolRecorder owner = ts.leaseDepth > 0 ? ts.leaseOwner : null;
      boolean pooled = owner != null || PoolAdapters.calledFromPool();
      String dbUser = DbUser.of(user, url, source);
      if (owner == null && pooled) {
        if (ts.constructing > 0 && ts.constructedCount < MAX_CONSTRUCTED) {
          // Inside a pool's constructor (HikariCP's fail-fast connection): the pool's own, known
          // when the constructor returns. Not by target: another pool may use the same database.
          if (ts.constructedRefs == null) {
            ts.constructedRefs = new Object[MAX_CONSTRUCTED];
            ts.constructedNanos = new long[MAX_CONSTRUCTED];
          }
          ts.constructedRefs[ts.constructedCount] =
              physical.opened(conn, target, dbUser, null, now, null);
          ts.constructedNanos[ts.constructedCount++] = now - ts.physStart;
          return;
        }
        // A pool's own thread (HikariCP's "<pool>:connection-adder"): attributed at export, by
        // the thread's name where it starts with the pool's, else to the one pool of the target.
        String thread = Thread.currentThread().getName();
        physical.unattributedCreate(target, now - ts.physStart, thread);
        physical.opened(conn, target, dbUser, null, now, thread);
        return;
      }
      if (!pooled) {
        owner = registry.unpooled(target, source);
      }
      physical.opened(conn, target, dbUser, owner, now, null);
      if (owner != null) {
        owner.learnTarget(target);
        PoolStats s = ts.stats(owner);
        s.create.record(now - ts.physStart);
        if (!pooled) {
          // A connection opened outside any pool is its own lease: it is held until close().
          s.wait.record(now - ts.physStart);
          ts.startLease(owner, conn, now, callSite(ts, owner, now));
          owner.noteConnClass(conn.getClass(), registry);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      Diagnostics.error("physical open", e);
    }
  }

  private static String errorType(Throwable t) {
    if (t instanceof SQLException) {
      String state = ((SQLException) t).getSQLState();
      if (state != null && !state.isEmpty()) {
        return state;
      }
    }
    return t.getClass().getName();
  }

  @Override
  public void physicalClose(Object conn) {
    if (physical.isPhysicalClass(conn.getClass())) {
      physical.closed(conn, registry);
    }
  }

  @Override
  public void poolConstructing() {
    state.get().constructing++;
  }

  @Override
  public void poolCreated(Object pool) {
    PoolRecorder r = registry.poolCreated(pool);
    ThreadState ts = state.get();
    if (ts.constructing > 0) {
      ts.constructing--;
    }
    // Every return hands over what was opened, so a constructor that threw (its exit advice never
    // runs) leaves at most its own connections to the next pool built on this thread.
    int n = ts.constructedCount;
    if (n == 0) {
      return;
    }
    ts.constructedCount = 0;
    PoolStats s = ts.stats(r);
    for (int i = 0; i < n; i++) {
      DbTarget t = physical.claim(ts.constructedRefs[i], r);
      if (t != null) {
        r.learnTarget(t);
      }
      s.create.record(ts.constructedNanos[i]);
      ts.constructedRefs[i] = null;
    }
  }

  @Override
  public void poolClosed(Object pool) {
    registry.poolClosed(pool);
  }

  @Override
  public void adviceFailed(Throwable error) {
    Diagnostics.error("advice", error);
  }

  /** The borrower's stack at getConnection; a named type so trimming can recognise it. */
  static final class CallSite extends Throwable {
    private static final long serialVersionUID = 1L;

    CallSite() {
      super("borrowed here");
    }
  }
}
