package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.it.Telemetry.Point;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Oracle UCP pooling H2 through {@code setConnectionFactoryClassName("org.h2.Driver")}: named
 * (connectionPoolName), maximum and minimum from its configuration, borrowed and available counts.
 * Oldest: ucp 19.3.0.0 with ojdbc8 19.3; newest: ucp11 23.26 with ojdbc11 (UCP is deployed with
 * Oracle's driver, and 23 needs it for its own classes even when it pools another driver).
 *
 * <p>UCP's data source has no close method: an application destroys a pool by name through {@code
 * UniversalConnectionPoolManager.destroyConnectionPool}, which the agent does not see. So pools
 * created are counted and pools closed are not: the two contract tests that count closes are
 * overridden here with that one expectation changed, the rest as in {@link PoolContract}.
 */
class UcpIT extends PoolContract {
  @Override
  String kind() {
    return "ucp";
  }

  @Override
  String expectedName() {
    return "orders-pool";
  }

  @Override
  String poolType() {
    return "PoolDataSourceImpl";
  }

  @Override
  Integer expectedMinIdle() {
    return 1;
  }

  @Override
  String expectedTimeoutException() {
    return "java.sql.SQLException";
  }

  private static double closed(Telemetry t, Map<String, String> type) {
    return t.last("poolscope.pool.closed", type).map(p -> p.value).orElse(0.0);
  }

  @Override
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
    Map<String, String> named = Map.of("db.client.connection.pool.name", pool);

    Point wait =
        t.last("db.client.connection.wait_time", named)
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

    Point use = t.last("db.client.connection.use_time", named).orElseThrow();
    assertThat(use.histogram.getCount()).as("leases closed").isEqualTo(40);
    assertThat(use.histogram.getMin()).as("shortest hold, s").isGreaterThanOrEqualTo(0.05);

    List<Point> pending = t.all("db.client.connection.pending_requests", pool);
    assertThat(pending.stream().mapToDouble(p -> p.value).max().orElse(0))
        .as("threads waiting at some export")
        .isBetween(1.0, 10.0);

    List<Point> counts = t.all("db.client.connection.count", pool);
    assertThat(counts.stream().filter(p -> "used".equals(p.attr("db.client.connection.state"))))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.value).isLessThanOrEqualTo(3));
    assertThat(counts.stream().filter(p -> "idle".equals(p.attr("db.client.connection.state"))))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.value).isBetween(0.0, 3.0));

    Point max = t.last("db.client.connection.max", named).orElseThrow();
    assertThat(max.value).isEqualTo(3);
    assertThat(max.attrs)
        .containsEntry("db.system.name", "h2")
        .containsEntry("db.namespace", "poolscope")
        .doesNotContainKey("server.address");
    assertThat(t.last("db.client.connection.idle.min", named).orElseThrow().value).isEqualTo(1);

    Map<String, String> type =
        Map.of("poolscope.pool.type", poolType(), "db.namespace", "poolscope");
    assertThat(t.last("poolscope.pool.created", type).orElseThrow().value).isEqualTo(1);
    assertThat(closed(t, type)).as("destroyConnectionPool is not seen").isZero();
  }

  @Override
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
    assertThat(closed(t, type)).as("destroyConnectionPool is not seen").isZero();
  }
}
