package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakScanner;
import io.poolscope.agent.internal.target.DbTarget;
import org.junit.jupiter.api.Test;

/**
 * The capture window is shared by a pool family (type and target): a pool created after its family
 * showed a leak captures from its first borrow; a pool of another database does not.
 */
class CaptureFamilyTest {
  private static final long THRESHOLD = 200_000_000L; // 200 ms
  private static final DbTarget ORDERS = new DbTarget("h2", "orders", -1, "orders");
  private static final DbTarget BILLING = new DbTarget("h2", "billing", -1, "billing");

  private final Registry registry = new Registry();
  private final Hub hub = new Hub(registry, new PhysicalTracker(), true, 1024);
  private final EventBuffer events = new EventBuffer(100);
  private final LeakScanner scanner = new LeakScanner(registry, events, THRESHOLD, 60_000_000_000L);

  /** A new pool instance (same class every time), whose configuration names this database. */
  private Object pool(DbTarget target) {
    Object ds = new Object();
    registry.recorderFor(ds).learnTarget(target);
    return ds;
  }

  private Lease borrow(Object ds) {
    Object token = hub.leaseEnter(ds);
    Object conn = new Object();
    hub.leaseExit(token, conn, null);
    for (Lease l : registry.threads().iterator().next().leases()) {
      if (Lease.state(l.stamp()) == Lease.ACTIVE && l.matches(conn)) {
        return l;
      }
    }
    throw new AssertionError("no lease");
  }

  private void close(Lease l) {
    l.freeByOwner(l.stamp(), System.nanoTime());
    l.clear();
  }

  @Test
  void aPoolCreatedAfterItsFamilyLeakedCapturesFromItsFirstBorrow() {
    Object first = pool(ORDERS);
    close(borrow(first)); // the thread's first borrow is always sampled
    Lease leaked = borrow(first);
    assertThat(leaked.callSite()).isNull();
    // The lease must age past the threshold; there is no condition to await but the clock.
    java.util.concurrent.locks.LockSupport.parkNanos(THRESHOLD + 50_000_000L);
    scanner.scan();
    assertThat(events.peek(10)).extracting(e -> e.state).containsExactly("suspected");

    assertThat(borrow(pool(ORDERS)).callSite()).as("next pool of the family").isNotNull();
    assertThat(borrow(first).callSite()).as("the leaking pool itself").isNotNull();
    assertThat(borrow(pool(BILLING)).callSite()).as("another database").isNull();
  }

  @Test
  void aWindowOpenedBeforeTheTargetWasKnownCarriesOverToTheFamily() {
    Object early = new Object();
    PoolRecorder r = registry.recorderFor(early);
    r.captureUntil(System.nanoTime() + 60_000_000_000L);
    r.learnTarget(ORDERS);
    registry.bindFamily(r);
    assertThat(r.familyBound()).isTrue();

    Object later = pool(ORDERS);
    close(borrow(later)); // the thread's first borrow, sampled anyway
    assertThat(borrow(later).callSite()).isNotNull();
  }
}
