package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.internal.holders.OldestHolders;
import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakScanner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A scan names the oldest held leases of a pool with their threads. */
class HeldLeasesScanTest {
  private final Registry registry = new Registry();
  private final Hub hub = new Hub(registry, new PhysicalTracker(), true, 1);
  private final LeakScanner scanner =
      new LeakScanner(registry, new EventBuffer(10), 60_000_000_000L, 0, 2);
  private final Object dataSource = new Object();

  private Object borrow() {
    Object conn = new Object();
    Object token = hub.leaseEnter(dataSource);
    hub.leaseExit(token, conn, null);
    return conn;
  }

  @Test
  void theTwoOldestOfThreeHoldersWithTheirThreads() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Thread first =
        new Thread(
            () -> {
              borrow();
              held.countDown();
              try {
                done.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "billing-worker-1");
    first.start();
    assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 2_000_000L) {
      Thread.onSpinWait(); // the next leases must start on a later clock reading
    }
    borrow();
    borrow();
    Map<PoolRecorder, LeakScanner.PoolScan> scan = scanner.scan();
    done.countDown();
    first.join(30_000);
    assertThat(scan).hasSize(1);
    LeakScanner.PoolScan ps = scan.values().iterator().next();
    assertThat(ps.held).isEqualTo(3);
    List<OldestHolders.Holder> h = ps.holders.oldestFirst();
    assertThat(h).hasSize(2);
    assertThat(h.get(0).thread).isEqualTo("billing-worker-1");
    assertThat(h.get(0).ageNanos).isEqualTo(ps.oldestNanos);
    assertThat(h.get(1).thread).isEqualTo(Thread.currentThread().getName());
    // leakSampleRate 1: every borrow carries its call site, the first frame is this test's.
    assertThat(h.get(1).callSite).isNotNull();
    assertThat(h.get(1).callSite.getStackTrace())
        .anyMatch(f -> f.getClassName().equals(HeldLeasesScanTest.class.getName()));
  }
}
