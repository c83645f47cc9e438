package io.poolscope.agent.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.poolscope.agent.internal.holders.HolderText;
import io.poolscope.agent.internal.leak.EventBuffer;
import io.poolscope.agent.internal.leak.LeakScanner;
import io.poolscope.agent.internal.otlp.OtlpEncoder;
import io.poolscope.agent.internal.record.Hub;
import io.poolscope.agent.internal.record.PhysicalTracker;
import io.poolscope.agent.internal.record.PoolRecorder;
import io.poolscope.agent.internal.record.Registry;
import io.poolscope.testapp.ApplicationFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The holders export: per pool, one {@code poolscope.connection.holder.age} point per lease among
 * the oldest still held, with thread, lease id and call site; and what it adds to an export.
 */
class HolderExportTest {
  private final Registry registry = new Registry();
  private final PhysicalTracker physical = new PhysicalTracker();
  // The default capture policy: each thread's first borrow carries its call site.
  private final Hub hub = new Hub(registry, physical, true, 1024);
  private final JdbcConnectionPool pool =
      JdbcConnectionPool.create("jdbc:h2:mem:holders", "sa", "");
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();
  private final OtlpEncoder encoder =
      new OtlpEncoder(Attributes.empty(), "io.poolscope.agent", "test");

  @AfterEach
  void releaseHolders() throws InterruptedException {
    release.countDown();
    for (Thread t : threads) {
      t.join(30_000);
    }
  }

  private void borrow() {
    hub.leaseExit(hub.leaseEnter(pool), new Object(), null);
  }

  /** A thread that borrows once and holds the lease until the test ends. */
  private void holdOn(String name) throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              ApplicationFrame.borrowHere(this::borrow);
              held.countDown();
              try {
                release.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    threads.add(t);
    t.start();
    assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 1_000_000L) {
      Thread.onSpinWait(); // the next lease starts on a later clock reading
    }
  }

  private byte[] export(int holderLimit) {
    LeakScanner scanner =
        new LeakScanner(registry, new EventBuffer(10), 600_000_000_000L, 0, holderLimit);
    Map<PoolRecorder, LeakScanner.PoolScan> scan = scanner.scan();
    MetricsBuilder m = new MetricsBuilder(1, new HolderText());
    for (PoolRecorder r : registry.recorders()) {
      m.pool(r, scan.get(r), 2, registry, physical);
    }
    return encoder.metrics(m.build());
  }

  private static List<NumberDataPoint> holderPoints(byte[] body) throws Exception {
    List<NumberDataPoint> out = new ArrayList<>();
    for (Metric m :
        ExportMetricsServiceRequest.parseFrom(body)
            .getResourceMetrics(0)
            .getScopeMetrics(0)
            .getMetricsList()) {
      if (m.getName().equals("poolscope.connection.holder.age")) {
        assertThat(m.getUnit()).isEqualTo("s");
        out.addAll(m.getGauge().getDataPointsList());
      }
    }
    return out;
  }

  private static Map<String, String> attrs(NumberDataPoint p) {
    Map<String, String> m = new HashMap<>();
    for (KeyValue kv : p.getAttributesList()) {
      m.put(kv.getKey(), kv.getValue().getStringValue());
    }
    return m;
  }

  @Test
  void theFiveOldestHoldersAreExportedOldestFirstWithThreadAndCallSite() throws Exception {
    for (int i = 1; i <= 6; i++) {
      holdOn("billing-worker-" + i);
    }
    // A second lease on this thread: not its first borrow, so no call site (rate 1 in 1024).
    borrow();
    borrow();
    List<NumberDataPoint> points = holderPoints(export(LeakScanner.DEFAULT_HOLDERS));
    assertThat(points).hasSize(5);
    List<String> names = new ArrayList<>();
    for (NumberDataPoint p : points) {
      names.add(attrs(p).get("thread.name"));
    }
    assertThat(names)
        .containsExactly(
            "billing-worker-1",
            "billing-worker-2",
            "billing-worker-3",
            "billing-worker-4",
            "billing-worker-5");
    for (int i = 1; i < points.size(); i++) {
      assertThat(points.get(i).getAsDouble()).isLessThan(points.get(i - 1).getAsDouble());
    }
    Map<String, String> first = attrs(points.get(0));
    assertThat(first.get("db.client.connection.pool.name")).isNotEmpty();
    assertThat(first.get("db.system.name")).isEqualTo("h2");
    assertThat(first.get("poolscope.lease.id")).matches("[0-9a-f]+");
    String site = first.get("code.stacktrace");
    assertThat(site)
        .startsWith("at " + ApplicationFrame.class.getName() + ".borrowHere(ApplicationFrame.java:")
        .doesNotContain("...");
    assertThat(site.split("\n")).hasSizeLessThanOrEqualTo(HolderText.FRAMES);
  }

  @Test
  void aLeaseBorrowedWithoutACapturedCallSiteHasNoStacktraceAttribute() throws Exception {
    borrow(); // this thread's first borrow: captured, then returned
    Object second = new Object();
    hub.leaseExit(hub.leaseEnter(pool), second, null);
    hub.closeExit(hub.closeEnter(second), second, null);
    borrow(); // held, not captured
    List<NumberDataPoint> points = holderPoints(export(LeakScanner.DEFAULT_HOLDERS));
    assertThat(points).hasSize(2);
    assertThat(attrs(points.get(0))).containsKey("code.stacktrace");
    assertThat(attrs(points.get(1))).doesNotContainKey("code.stacktrace");
    assertThat(attrs(points.get(1)).get("thread.name")).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void bytesAddedPerExportForFiveHoldersAndForNone() throws Exception {
    byte[] idle = export(LeakScanner.DEFAULT_HOLDERS);
    byte[] idleWithout = export(0);
    assertThat(holderPoints(idle)).isEmpty();
    assertThat(idle.length)
        .as("a pool holding nothing: not one byte more")
        .isEqualTo(idleWithout.length);
    for (int i = 1; i <= 5; i++) {
      holdOn("billing-worker-" + i);
    }
    byte[] with = export(LeakScanner.DEFAULT_HOLDERS);
    byte[] without = export(0);
    assertThat(holderPoints(with)).hasSize(5);
    int added = with.length - without.length;
    System.out.println(
        "holders export: 5 holders with call sites add "
            + added
            + " bytes to an export of "
            + without.length
            + " bytes (one pool); 0 holders add "
            + (idle.length - idleWithout.length));
    // 5 points of the pool's attributes, thread, lease id and five frames: well under 4 KB.
    assertThat(added).isBetween(500, 4096);
  }
}
