package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.poolscope.collector.internal.fleet.PodReport;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.fleet.TargetReading;
import io.poolscope.collector.internal.otlp.MetricsTranslator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code db.user} on open points and {@code poolscope.refused.limit} on refused points: decoded
 * into the typed records, bounded, and summed for everything that reads one open figure per target
 * and one refused series per SQLState, so the budget over real HTTP is the sum over users.
 */
class UserAndLimitIngestTest {
  static final String DB = "127.0.0.1:5432/payments";

  @TempDir Path dir;

  static List<KeyValue> with(List<KeyValue> base, String k, String v) {
    List<KeyValue> a = new ArrayList<>(base);
    a.add(Otlp.kv(k, v));
    return a;
  }

  static Otlp.Pod pod() {
    Otlp.Pod p = Otlp.pod("payments", "payments-1").pool(DB, "main", 5, 0, 10, 0);
    p.metrics.add(
        Otlp.gauge("poolscope.connection.open", 2, with(Otlp.target(DB), "db.user", "app_a")));
    p.metrics.add(
        Otlp.gauge("poolscope.connection.open", 3, with(Otlp.target(DB), "db.user", "app_b")));
    List<KeyValue> refused = with(Otlp.target(DB), "error.type", "53300");
    p.counter("poolscope.connection.refused", 1, with(refused, "poolscope.refused.limit", "role"));
    p.counter(
        "poolscope.connection.refused", 2, with(refused, "poolscope.refused.limit", "server"));
    // Outside the contract: read as unknown, not kept as sent.
    p.counter(
        "poolscope.connection.refused", 4, with(refused, "poolscope.refused.limit", "a-message"));
    return p;
  }

  static TargetReading target(PodReport r) {
    TargetKey key = new TargetKey("postgresql", "127.0.0.1", 5432, "payments");
    return r.targets().stream().filter(t -> t.target().equals(key)).findFirst().orElseThrow();
  }

  @Test
  void usersAndLimitsAreKeptPerPointAndSummedPerTarget() {
    ExportMetricsServiceRequest req = pod().request();
    TargetReading t = target(MetricsTranslator.translate(req).reports().get(0));

    assertThat(t.open()).isEqualTo(5);
    assertThat(t.openByUser()).containsExactly(entry("app_a", 2.0), entry("app_b", 3.0));
    assertThat(t.refused()).containsOnlyKeys("53300");
    assertThat(t.refused().get("53300").value()).isEqualTo(7);
    assertThat(t.refusedByLimit()).containsOnlyKeys("role", "server", "unknown");
    assertThat(t.refusedByLimit().get("role").value()).isEqualTo(1);
    assertThat(t.refusedByLimit().get("server").value()).isEqualTo(2);
    // Outside the contract: read as unknown, not kept as sent.
    assertThat(t.refusedByLimit().get("unknown").value()).isEqualTo(4);
  }

  @Test
  void userNamesAreBoundedInLengthAndNumber() {
    Otlp.Pod p = Otlp.pod("payments", "payments-1");
    p.metrics.add(
        Otlp.gauge(
            "poolscope.connection.open", 1, with(Otlp.target(DB), "db.user", "u".repeat(129))));
    for (int i = 0; i < 40; i++) {
      p.metrics.add(
          Otlp.gauge("poolscope.connection.open", 1, with(Otlp.target(DB), "db.user", "u" + i)));
    }
    TargetReading t = target(MetricsTranslator.translate(p.request()).reports().get(0));
    // The overlong name is no user; of the 40 others, 32 are kept and 8 summed as no user.
    assertThat(t.openByUser()).hasSize(33);
    assertThat(t.openByUser().keySet().stream().filter(u -> u.matches("u\\d+"))).hasSize(32);
    assertThat(t.openByUser().get(TargetReading.NO_USER)).isEqualTo(9);
    assertThat(t.open()).isEqualTo(41.0);
  }

  @Test
  void theBudgetOverHttpIsTheSumOverUsers() throws Exception {
    String id = "postgresql_127.0.0.1_5432_payments";
    try (Collector collector =
        Collector.start(
            CollectorConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .exportInterval(Duration.ofSeconds(30))
                .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
                .build())) {
      Http http = new Http(collector);
      assertThat(http.postProto("/v1/metrics", pod().request()).statusCode()).isEqualTo(200);
      Http.await(
          Duration.ofSeconds(10),
          () -> PostgresProbeTest.database(http, id).path("open").asInt(-1) == 5,
          () -> PostgresProbeTest.database(http, id).toString());
      assertThat(http.get("/metrics").body())
          .asString()
          .containsPattern(
              "poolscope_connection_refused_total\\{[^}]*error_type=\"53300\"[^}]*} 7");
    }
  }
}
