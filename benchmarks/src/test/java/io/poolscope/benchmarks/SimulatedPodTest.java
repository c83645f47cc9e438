package io.poolscope.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.poolscope.benchmarks.internal.load.SimulatedPod;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatedPodTest {

  private final SimulatedPod pod = new SimulatedPod(7, 3, 4, "run", 1_000L);

  private Map<String, Metric> metrics(long tick) {
    ExportMetricsServiceRequest r = pod.export(tick, 2_000L);
    return r.getResourceMetrics(0).getScopeMetrics(0).getMetricsList().stream()
        .collect(Collectors.toMap(Metric::getName, m -> m));
  }

  private static String attr(List<KeyValue> attrs, String key) {
    return attrs.stream()
        .filter(a -> a.getKey().equals(key))
        .map(
            a ->
                a.getValue().hasStringValue()
                    ? a.getValue().getStringValue()
                    : "" + a.getValue().getIntValue())
        .findFirst()
        .orElse(null);
  }

  @Test
  void exportsEveryContractMetricForTwoPools() {
    Map<String, Metric> m = metrics(3);
    assertThat(m.keySet())
        .containsExactlyInAnyOrder(
            "db.client.connection.count",
            "db.client.connection.max",
            "db.client.connection.idle.min",
            "db.client.connection.pending_requests",
            "db.client.connection.timeouts",
            "db.client.connection.wait_time",
            "db.client.connection.use_time",
            "db.client.connection.create_time",
            "poolscope.connection.open",
            "poolscope.connection.refused",
            "poolscope.connection.leaks",
            "poolscope.connection.oldest_use",
            "poolscope.pool.created",
            "poolscope.pool.closed");
    List<NumberDataPoint> count =
        m.get("db.client.connection.count").getGauge().getDataPointsList();
    assertThat(count).hasSize(4);
    assertThat(count.stream().map(p -> attr(p.getAttributesList(), "db.client.connection.state")))
        .containsExactly("idle", "used", "idle", "used");
    assertThat(
            count.stream().map(p -> attr(p.getAttributesList(), "db.client.connection.pool.name")))
        .containsExactly("HikariPool-1", "HikariPool-1", "HikariPool-2", "HikariPool-2");
    // idle + used is the pool's max for each pool
    assertThat(count.get(0).getAsInt() + count.get(1).getAsInt()).isEqualTo(10);
    // poolscope.connection.open carries the database target only, no pool name
    NumberDataPoint open = m.get("poolscope.connection.open").getGauge().getDataPoints(0);
    assertThat(attr(open.getAttributesList(), "db.client.connection.pool.name")).isNull();
    assertThat(attr(open.getAttributesList(), "db.system.name")).isEqualTo("postgresql");
    assertThat(attr(open.getAttributesList(), "server.port")).isEqualTo("5432");
  }

  @Test
  void histogramsIncludeTheTenthOfASecondBoundAndAddUp() {
    HistogramDataPoint wait =
        metrics(5).get("db.client.connection.wait_time").getHistogram().getDataPoints(0);
    assertThat(wait.getExplicitBoundsList()).contains(0.1);
    assertThat(wait.getBucketCountsCount()).isEqualTo(wait.getExplicitBoundsCount() + 1);
    assertThat(wait.getBucketCountsList().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(wait.getCount());
  }

  @Test
  void cumulativeCountersNeverDecrease() {
    long before =
        metrics(1).get("db.client.connection.wait_time").getHistogram().getDataPoints(0).getCount();
    long after =
        metrics(2).get("db.client.connection.wait_time").getHistogram().getDataPoints(0).getCount();
    assertThat(after).isGreaterThan(before);
  }

  @Test
  void resourceNamesThePod() {
    ExportMetricsServiceRequest r = pod.export(0, 2_000L);
    List<KeyValue> res = r.getResourceMetrics(0).getResource().getAttributesList();
    assertThat(attr(res, "service.name")).isEqualTo("svc-1");
    assertThat(attr(res, "service.instance.id")).isEqualTo("run-7");
    assertThat(attr(res, "k8s.pod.name")).startsWith("svc-1-");
  }
}
