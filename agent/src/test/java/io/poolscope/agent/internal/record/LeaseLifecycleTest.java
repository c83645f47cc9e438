package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakEvent;
import io.poolscope.agent.internal.leak.LeakScanner;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease table and the leak scanner together, driven through the hooks the advice calls. */
class LeaseLifecycleTest {
  private static final long THRESHOLD = 200_000_000L; // 200 ms

  private final Registry registry = new Registry();
  private final Hub hub = new Hub(registry, new PhysicalTracker(), true, 1024);
  private final EventBuffer events = new EventBuffer(100);
  private final LeakScanner scanner = new LeakScanner(registry, events, THRESHOLD, 60_000_000_000L);
  private final Object dataSource = new Object();

  private Object borrow() {
    Object conn = new Object();
    Object token = hub.leaseEnter(dataSource);
    hub.leaseExit(token, conn, null);
    return conn;
  }

  private void close(Object conn) {
    Object token = hub.closeEnter(conn);
    hub.closeExit(token, conn, null);
  }

  private static void pause(long nanos) {
    // The lease must age; there is no condition to await but the clock itself.
    java.util.concurrent.locks.LockSupport.parkNanos(nanos);
  }

  private List<LeakEvent> events() {
    return events.peek(100);
  }

  @Test
  void leaseClosedInTimeLeavesNoTraceAndAFreeSlot() {
    for (int i = 0; i < 1000; i++) {
      close(borrow());
    }
    scanner.scan();
    assertThat(events()).isEmpty();
    ThreadState ts = registry.threads().iterator().next();
    assertThat(ts.hasLeases()).isFalse();
    assertThat(ts.leases()).hasSize(4); // the slots were reused, not grown
  }

  @Test
  void heldLeaseIsSuspectedThenReturnedWithItsHoldTime() {
    Object conn = borrow();
    pause(THRESHOLD + 50_000_000L);
    scanner.scan();
    assertThat(events()).extracting(e -> e.state).containsExactly("suspected");
    close(conn);
    scanner.scan();
    assertThat(events()).extracting(e -> e.state).containsExactly("suspected", "returned");
    assertThat(events().get(1).ageSeconds).isGreaterThanOrEqualTo(0.25);
    assertThat(events().get(1).leaseId).isEqualTo(events().get(0).leaseId);
  }

  @Test
  void ownerFreeingALeaseWhileTheScannerMarksItStillReportsTheReturn() {
    Object conn = borrow();
    ThreadState ts = registry.threads().iterator().next();
    Lease lease = ts.findOwn(conn);
    long before = lease.stamp(); // what the owner read: ACTIVE
    pause(THRESHOLD + 50_000_000L);
    scanner.scan(); // marks it suspected
    lease.freeByOwner(before, System.nanoTime()); // the owner's plain store wins the race
    scanner.scan();
    assertThat(events()).extracting(e -> e.state).containsExactly("suspected", "returned");
    assertThat(events().get(1).ageSeconds).isGreaterThanOrEqualTo(0.25);
  }

  @Test
  void droppedConnectionIsReportedCollectedWithoutBeingKeptAlive() {
    borrow(); // dropped at once
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (events().stream().noneMatch(e -> e.state.equals("collected"))
        && System.nanoTime() < deadline) {
      scanner.scan();
      System.gc();
      pause(20_000_000L);
    }
    assertThat(events()).extracting(e -> e.state).contains("collected");
    assertThat(registry.threads().iterator().next().hasLeases()).isFalse();
  }
}
