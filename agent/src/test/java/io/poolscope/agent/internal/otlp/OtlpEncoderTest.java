package io.poolscope.agent.internal.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric.DataCase;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's own OTLP encoding, decoded by the generated opentelemetry-proto classes. */
class OtlpEncoderTest {
  private static final Attributes RESOURCE =
      Attributes.of(
          AttributeKey.stringKey("service.name"),
          "orders",
          AttributeKey.longKey("process.pid"),
          42L);
  private final OtlpEncoder encoder = new OtlpEncoder(RESOURCE, "io.poolscope.agent", "1.2");

  @Test
  void gaugesSumsAndHistogramsDecodeWithTheirValuesAndAttributes() throws Exception {
    Attributes a = Attributes.of(AttributeKey.stringKey("db.client.connection.pool.name"), "p");
    List<Metric> metrics =
        List.of(
            new Metric(
                "g", "a gauge", "{c}", Metric.Kind.GAUGE, List.of(NumberPoint.of(1, 2, a, 0L))),
            new Metric("d", "", "s", Metric.Kind.GAUGE, List.of(NumberPoint.of(1, 2, a, 0.25))),
            new Metric("c", "a sum", "{t}", Metric.Kind.SUM, List.of(NumberPoint.of(1, 2, a, -7L))),
            new Metric(
                "h",
                "a histogram",
                "s",
                Metric.Kind.HISTOGRAM,
                List.of(
                    new HistogramPoint(
                        1,
                        2,
                        a,
                        1.5,
                        true,
                        0.5,
                        1.0,
                        new double[] {0.1, 1},
                        new long[] {0, 3, 0}))));
    ExportMetricsServiceRequest r = ExportMetricsServiceRequest.parseFrom(encoder.metrics(metrics));
    assertThat(r.getResourceMetrics(0).getResource().getAttributesList())
        .extracting(kv -> kv.getKey() + "=" + kv.getValue().toString().trim())
        .containsExactlyInAnyOrder(
            "service.name=string_value: \"orders\"", "process.pid=int_value: 42");
    ScopeMetrics s = r.getResourceMetrics(0).getScopeMetrics(0);
    assertThat(s.getScope().getName()).isEqualTo("io.poolscope.agent");
    assertThat(s.getScope().getVersion()).isEqualTo("1.2");
    assertThat(s.getMetricsCount()).isEqualTo(4);

    NumberDataPoint g = s.getMetrics(0).getGauge().getDataPoints(0);
    assertThat(s.getMetrics(0).getName()).isEqualTo("g");
    assertThat(s.getMetrics(0).getDescription()).isEqualTo("a gauge");
    assertThat(s.getMetrics(0).getUnit()).isEqualTo("{c}");
    assertThat(g.getValueCase()).isEqualTo(NumberDataPoint.ValueCase.AS_INT);
    assertThat(g.getAsInt()).isZero();
    assertThat(g.getStartTimeUnixNano()).isEqualTo(1);
    assertThat(g.getTimeUnixNano()).isEqualTo(2);
    assertThat(g.getAttributes(0).getKey()).isEqualTo("db.client.connection.pool.name");
    assertThat(g.getAttributes(0).getValue().getStringValue()).isEqualTo("p");

    assertThat(s.getMetrics(1).getGauge().getDataPoints(0).getAsDouble()).isEqualTo(0.25);

    assertThat(s.getMetrics(2).getDataCase()).isEqualTo(DataCase.SUM);
    assertThat(s.getMetrics(2).getSum().getIsMonotonic()).isTrue();
    assertThat(s.getMetrics(2).getSum().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(s.getMetrics(2).getSum().getDataPoints(0).getAsInt()).isEqualTo(-7);

    HistogramDataPoint h = s.getMetrics(3).getHistogram().getDataPoints(0);
    assertThat(s.getMetrics(3).getHistogram().getAggregationTemporality())
        .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    assertThat(h.getCount()).isEqualTo(3);
    assertThat(h.getSum()).isEqualTo(1.5);
    assertThat(h.getMin()).isEqualTo(0.5);
    assertThat(h.getMax()).isEqualTo(1.0);
    assertThat(h.getBucketCountsList()).containsExactly(0L, 3L, 0L);
    assertThat(h.getExplicitBoundsList()).containsExactly(0.1, 1.0);
  }

  @Test
  void logRecordsDecodeWithBodySeverityAndEventName() throws Exception {
    Attributes a =
        Attributes.of(
            AttributeKey.stringKey("thread.name"),
            "worker-1",
            AttributeKey.doubleKey("poolscope.lease.age"),
            3.5);
    byte[] bytes =
        encoder.logs(
            List.of(
                new io.poolscope.agent.internal.otlp.LogRecord(
                    99, LogRecordSeverity.WARN, "WARN", "held", a, "poolscope.connection.leak")));
    ExportLogsServiceRequest r = ExportLogsServiceRequest.parseFrom(bytes);
    LogRecord l = r.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(l.getTimeUnixNano()).isEqualTo(99);
    assertThat(l.getObservedTimeUnixNano()).isEqualTo(99);
    assertThat(l.getSeverityNumberValue()).isEqualTo(13);
    assertThat(l.getSeverityText()).isEqualTo("WARN");
    assertThat(l.getBody().getStringValue()).isEqualTo("held");
    assertThat(l.getEventName()).isEqualTo("poolscope.connection.leak");
    assertThat(l.getAttributesList())
        .extracting(kv -> kv.getKey())
        .containsExactlyInAnyOrder("thread.name", "poolscope.lease.age");
    assertThat(l.getAttributesList())
        .filteredOn(kv -> kv.getKey().equals("poolscope.lease.age"))
        .extracting(kv -> kv.getValue().getDoubleValue())
        .containsExactly(3.5);
    assertThat(r.getResourceLogs(0).getScopeLogs(0).getScope().getName())
        .isEqualTo("io.poolscope.agent");
  }

  /** The severity numbers, named here so the test reads like the contract. */
  private static final class LogRecordSeverity {
    static final int WARN = io.poolscope.agent.internal.otlp.LogRecord.WARN;
  }
}
