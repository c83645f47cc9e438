package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.it.Telemetry.Point;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the agent must report for every known pool, run once per pool by a subclass: leases, waits,
 * holds and pending requests under contention, the pool's identity and configuration, failed
 * borrows, and pools built per job. Runs the oldest claimed version on JDK 17 and the newest on JDK
 * 25.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PoolContract {
  /** The pool kind the test application builds. */
  abstract String kind();

  /** The name the agent must report for a pool the application configured as "orders-pool". */
  abstract String expectedName();

  /** {@code poolscope.pool.type}: the pool class's simple name. */
  abstract String poolType();

  /** The configured minimum idle as the pool exposes it (null when it exposes none). */
  abstract Integer expectedMinIdle();

  /** The exception class the pool itself throws when a borrow times out. */
  abstract String expectedTimeoutException();

  /** Whether the pool exposes its idle count. */
  boolean exposesIdle() {
    return true;
  }

  /**
   * The most idle connections the pool itself can hold in the contention scenario (max 3, 10
   * threads). The pool's configured max for pools that never open past it.
   */
  double idleUpperBound() {
    return 3.0;
  }

  /**
   * Whether the application's way of closing this pool is one the agent sees. False for a pool
   * destroyed only through a manager the agent does not instrument.
   */
  boolean closeIsVisible() {
    return true;
  }

  /** Pools closed as exported; 0 when none was ever reported. */
  static double closedPools(Telemetry t, Map<String, String> type) {
    return t.last("poolscope.pool.closed", type).map(p -> p.value).orElse(0.0);
  }

  OtlpReceiver receiver;

  @BeforeAll
  void startReceiver() throws Exception {
    receiver = new OtlpReceiver();
  }

  @AfterAll
  void stopReceiver() {
    receiver.close();
  }

  Stream<Arguments> versionsAndJdks() {
    return Stream.of(
        Arguments.of(kind() + "-oldest", ChildJvm.JDK17),
        Arguments.of(kind() + "-newest", ChildJvm.JDK25));
  }

  Telemetry run(String lib, String jdk, String... app) throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .jdk(jdk)
                .lib(lib)
                .agentArgs("endpoint=" + r.endpoint() + ",service=poolscope-it,interval=200ms")
                .app(app)
                .start()) {
      results = child.finish();
      lastChild = child.toString();
      return r.telemetry();
    }
  }

  Map<String, String> results;
  String lastChild;

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("versionsAndJdks")
  void contendedPoolReportsWaitsHoldsPendingAndExactLeaseCount(String lib, String jdk)
      throws Exception {
    Telemetry t =
        run(
            lib,
            jdk,
            "pool=" + kind(),
            "scenario=contention",
            "threads=10",
            "leases=4",
            "holdMs=50");
    assertThat(results).containsEntry("leases", "40");
    String pool = expectedName();

    Point wait =
        t.last("db.client.connection.wait_time", Map.of("db.client.connection.pool.name", pool))
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no wait_time for "
                            + pool
                            + " in "
                            + t.all("db.client.connection.wait_time")
                            + lastChild));
    assertThat(wait.histogram.getCount()).as("getConnection calls").isEqualTo(40);
    assertThat(wait.histogram.getMax()).as("longest wait, s").isGreaterThan(0.04);
    assertThat(wait.histogram.getExplicitBoundsList()).contains(0.1);

    Point use =
        t.last("db.client.connection.use_time", Map.of("db.client.connection.pool.name", pool))
            .orElseThrow();
    assertThat(use.histogram.getCount()).as("leases closed").isEqualTo(40);
    assertThat(use.histogram.getMin()).as("shortest hold, s").isGreaterThanOrEqualTo(0.05);
    assertThat(use.histogram.getSum()).isGreaterThanOrEqualTo(40 * 0.05);

    List<Point> pending = t.all("db.client.connection.pending_requests", pool);
    assertThat(pending).isNotEmpty();
    assertThat(pending.stream().mapToDouble(p -> p.value).max().orElse(0))
        .as("threads waiting at some export")
        .isGreaterThan(0);
    assertThat(pending.stream().mapToDouble(p -> p.value).max().orElse(0)).isLessThanOrEqualTo(10);

    List<Point> counts = t.all("db.client.connection.count", pool);
    assertThat(counts.stream().filter(p -> "used".equals(p.attr("db.client.connection.state"))))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.value).isLessThanOrEqualTo(3));
    if (exposesIdle()) {
      assertThat(counts.stream().filter(p -> "idle".equals(p.attr("db.client.connection.state"))))
          .isNotEmpty()
          .allSatisfy(p -> assertThat(p.value).isBetween(0.0, idleUpperBound()));
    }

    Point max =
        t.last("db.client.connection.max", Map.of("db.client.connection.pool.name", pool))
            .orElseThrow();
    assertThat(max.value).isEqualTo(3);
    Map<String, String> attrs = max.attrs;
    assertThat(attrs)
        .containsEntry("db.system.name", "h2")
        .containsEntry("db.namespace", "poolscope")
        .doesNotContainKey("server.address");
    if (expectedMinIdle() != null) {
      assertThat(
              t.last(
                      "db.client.connection.idle.min",
                      Map.of("db.client.connection.pool.name", pool))
                  .orElseThrow()
                  .value)
          .isEqualTo(expectedMinIdle().doubleValue());
    }

    Map<String, String> type =
        Map.of("poolscope.pool.type", poolType(), "db.namespace", "poolscope");
    assertThat(t.last("poolscope.pool.created", type).orElseThrow().value).isEqualTo(1);
    assertThat(closedPools(t, type)).isEqualTo(closeIsVisible() ? 1 : 0);

    assertThat(t.resource())
        .containsEntry("service.name", "poolscope-it")
        .containsKeys("service.instance.id", "host.name", "process.pid", "poolscope.agent.version");
  }

  @Test
  void failedBorrowIsCountedAndThePoolsOwnExceptionPassesThrough() throws Exception {
    Telemetry t = run(kind() + "-newest", ChildJvm.JDK17, "pool=" + kind(), "scenario=timeout");
    assertThat(results).containsEntry("timeoutException", expectedTimeoutException());
    Map<String, String> pool = Map.of("db.client.connection.pool.name", expectedName());
    assertThat(t.last("db.client.connection.timeouts", pool).orElseThrow().value).isEqualTo(1);
    assertThat(t.histogramCount("db.client.connection.wait_time", pool)).isEqualTo(3);
    assertThat(t.histogramCount("db.client.connection.use_time", pool)).isEqualTo(2);
  }

  @Test
  void poolsBuiltPerJobShowAsCreatedMinusClosed() throws Exception {
    Telemetry t =
        run(kind() + "-newest", ChildJvm.JDK17, "pool=" + kind(), "scenario=churn", "jobs=5");
    Map<String, String> type =
        Map.of("poolscope.pool.type", poolType(), "db.namespace", "poolscope");
    assertThat(
            t.last("poolscope.pool.created", type)
                .orElseThrow(() -> new AssertionError(t.all("poolscope.pool.created") + lastChild))
                .value)
        .isEqualTo(6);
    assertThat(closedPools(t, type)).isEqualTo(closeIsVisible() ? 5 : 0);
  }
}
