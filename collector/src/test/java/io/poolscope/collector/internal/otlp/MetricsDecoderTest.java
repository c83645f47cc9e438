package io.poolscope.collector.internal.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming decoder reads what protobuf-java's generated parser reads: each request is encoded
 * by the generated classes, read by both, and every field the collector uses compared.
 */
class MetricsDecoderTest {

  @Test
  void readsEveryFieldAsTheGeneratedParserDoes() throws Exception {
    Random rnd = new Random(7);
    for (int i = 0; i < 300; i++) {
      ExportMetricsServiceRequest req = request(rnd);
      assertSameAsGenerated(req.toByteArray());
    }
  }

  @Test
  void readsUnpackedBucketsAndDataBeforeTheName() throws Exception {
    // Written by hand: a histogram's counts and bounds unpacked, the metric's data before its name.
    ByteArrayOutputStream point = new ByteArrayOutputStream();
    CodedOutputStream p = CodedOutputStream.newInstance(point);
    p.writeFixed64(HistogramDataPoint.COUNT_FIELD_NUMBER, 3);
    p.writeFixed64(HistogramDataPoint.BUCKET_COUNTS_FIELD_NUMBER, 1);
    p.writeDouble(HistogramDataPoint.EXPLICIT_BOUNDS_FIELD_NUMBER, 0.5);
    p.writeFixed64(HistogramDataPoint.BUCKET_COUNTS_FIELD_NUMBER, 2);
    p.writeDouble(HistogramDataPoint.SUM_FIELD_NUMBER, 1.25);
    p.writeMessage(
        HistogramDataPoint.ATTRIBUTES_FIELD_NUMBER,
        kv("pool", AnyValue.newBuilder().setStringValue("a").build()));
    p.flush();
    Histogram h =
        Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
            .addDataPoints(HistogramDataPoint.parseFrom(point.toByteArray()))
            .build();
    ByteArrayOutputStream metric = new ByteArrayOutputStream();
    CodedOutputStream m = CodedOutputStream.newInstance(metric);
    m.writeByteArray(Metric.HISTOGRAM_FIELD_NUMBER, histogramUnpacked(h, point.toByteArray()));
    m.writeString(Metric.NAME_FIELD_NUMBER, "db.client.connection.wait_time");
    m.flush();
    byte[] body =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(Metric.parseFrom(metric.toByteArray()))))
            .build()
            .toByteArray();
    // The generated classes re-encode it packed and in field order; the hand-written bytes:
    byte[] handWritten = requestWith(metric.toByteArray());
    MetricsDecoder.MetricData got =
        MetricsDecoder.decode(handWritten, n -> true).get(0).metrics().get(0);
    assertThat(got.name()).isEqualTo("db.client.connection.wait_time");
    assertThat(got.kind()).isEqualTo(MetricsDecoder.Kind.HISTOGRAM);
    assertThat(got.delta()).isTrue();
    MetricsDecoder.HistogramPoint hp = got.histograms().get(0);
    assertThat(hp.counts()).containsExactly(1, 2);
    assertThat(hp.bounds()).containsExactly(0.5);
    assertThat(hp.sum()).isEqualTo(1.25);
    assertThat(hp.attributes()).containsEntry("pool", "a");
    assertSameAsGenerated(handWritten);
    assertSameAsGenerated(body);
  }

  @Test
  void skipsMetricsNotAskedForAndRefusesMalformedBytes() throws Exception {
    byte[] body = request(new Random(3)).toByteArray();
    assertThat(MetricsDecoder.decode(body, n -> false))
        .allSatisfy(r -> assertThat(r.metrics()).isEmpty());
    for (int cut = 1; cut < body.length; cut += 97) {
      byte[] truncated = java.util.Arrays.copyOf(body, body.length - cut);
      boolean generatedRefuses;
      try {
        ExportMetricsServiceRequest.parseFrom(truncated);
        generatedRefuses = false;
      } catch (InvalidProtocolBufferException e) {
        generatedRefuses = true;
      }
      if (generatedRefuses) {
        assertThatThrownBy(() -> MetricsDecoder.decode(truncated, n -> true))
            .isInstanceOf(InvalidProtocolBufferException.class);
      }
    }
    // Arrays nested without end: refused, never a StackOverflowError.
    AnyValue v = AnyValue.newBuilder().setStringValue("x").build();
    for (int i = 0; i < 90; i++) {
      v = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build();
    }
    byte[] deep =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(KeyValue.newBuilder().setKey("k").setValue(v))))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> MetricsDecoder.decode(deep, n -> true))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("nested");
  }

  private static void assertSameAsGenerated(byte[] body) throws Exception {
    ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(body);
    List<MetricsDecoder.ResourceData> got = MetricsDecoder.decode(body, n -> true);
    assertThat(got).hasSize(req.getResourceMetricsCount());
    for (int r = 0; r < got.size(); r++) {
      ResourceMetrics rm = req.getResourceMetrics(r);
      assertThat(got.get(r).attributes())
          .isEqualTo(Attributes.of(rm.getResource().getAttributesList()));
      List<Metric> metrics = new ArrayList<>();
      rm.getScopeMetricsList().forEach(s -> metrics.addAll(s.getMetricsList()));
      assertThat(got.get(r).metrics()).hasSize(metrics.size());
      for (int i = 0; i < metrics.size(); i++) {
        assertSameMetric(got.get(r).metrics().get(i), metrics.get(i));
      }
    }
  }

  private static void assertSameMetric(MetricsDecoder.MetricData got, Metric m) {
    assertThat(got.name()).isEqualTo(m.getName());
    switch (m.getDataCase()) {
      case GAUGE -> {
        assertThat(got.kind()).isEqualTo(MetricsDecoder.Kind.GAUGE);
        assertSameNumbers(got.numbers(), m.getGauge().getDataPointsList());
      }
      case SUM -> {
        assertThat(got.kind()).isEqualTo(MetricsDecoder.Kind.SUM);
        assertThat(got.delta())
            .isEqualTo(
                m.getSum().getAggregationTemporality()
                    == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
        assertSameNumbers(got.numbers(), m.getSum().getDataPointsList());
      }
      case HISTOGRAM -> {
        assertThat(got.kind()).isEqualTo(MetricsDecoder.Kind.HISTOGRAM);
        assertThat(got.delta())
            .isEqualTo(
                m.getHistogram().getAggregationTemporality()
                    == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
        List<HistogramDataPoint> want = m.getHistogram().getDataPointsList();
        assertThat(got.histograms()).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
          HistogramDataPoint w = want.get(i);
          MetricsDecoder.HistogramPoint g = got.histograms().get(i);
          assertThat(g.attributes()).isEqualTo(Attributes.of(w.getAttributesList()));
          assertThat(g.startNanos()).isEqualTo(w.getStartTimeUnixNano());
          assertThat(g.count()).isEqualTo(w.getCount());
          assertThat(g.hasSum()).isEqualTo(w.hasSum());
          assertThat(g.sum()).isEqualTo(w.getSum());
          assertThat(g.counts())
              .containsExactly(
                  w.getBucketCountsList().stream().mapToLong(Long::longValue).toArray());
          assertThat(g.bounds())
              .containsExactly(
                  w.getExplicitBoundsList().stream().mapToDouble(Double::doubleValue).toArray());
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        assertThat(got.kind()).isEqualTo(MetricsDecoder.Kind.EXPONENTIAL_HISTOGRAM);
        assertThat(got.points()).isEqualTo(m.getExponentialHistogram().getDataPointsCount());
      }
      case SUMMARY -> assertThat(got.kind()).isEqualTo(MetricsDecoder.Kind.SUMMARY);
      default -> assertThat(got.kind()).isEqualTo(MetricsDecoder.Kind.NONE);
    }
  }

  private static void assertSameNumbers(
      List<MetricsDecoder.NumberPoint> got, List<NumberDataPoint> want) {
    assertThat(got).hasSize(want.size());
    for (int i = 0; i < want.size(); i++) {
      NumberDataPoint w = want.get(i);
      MetricsDecoder.NumberPoint g = got.get(i);
      assertThat(g.attributes()).isEqualTo(Attributes.of(w.getAttributesList()));
      assertThat(g.startNanos()).isEqualTo(w.getStartTimeUnixNano());
      assertThat(g.hasValue())
          .isEqualTo(w.getValueCase() != NumberDataPoint.ValueCase.VALUE_NOT_SET);
      double v =
          w.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? w.getAsInt() : w.getAsDouble();
      assertThat(g.value()).isEqualTo(v);
    }
  }

  private static ExportMetricsServiceRequest request(Random rnd) {
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    for (int r = rnd.nextInt(3); r >= 0; r--) {
      ResourceMetrics.Builder rm = ResourceMetrics.newBuilder();
      Resource.Builder res = Resource.newBuilder();
      for (int a = rnd.nextInt(6); a >= 0; a--) {
        res.addAttributes(KeyValue.newBuilder().setKey(key(rnd)).setValue(value(rnd, 0)));
      }
      rm.setResource(res);
      for (int s = rnd.nextInt(2); s >= 0; s--) {
        ScopeMetrics.Builder sm = ScopeMetrics.newBuilder();
        for (int m = rnd.nextInt(6); m >= 0; m--) {
          sm.addMetrics(metric(rnd));
        }
        rm.addScopeMetrics(sm);
      }
      req.addResourceMetrics(rm);
    }
    return req.build();
  }

  private static Metric metric(Random rnd) {
    Metric.Builder m = Metric.newBuilder().setName("m" + rnd.nextInt(5)).setUnit("s");
    AggregationTemporality t =
        rnd.nextBoolean()
            ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
            : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
    switch (rnd.nextInt(6)) {
      case 0 -> {
        Gauge.Builder g = Gauge.newBuilder();
        for (int i = rnd.nextInt(3); i > 0; i--) {
          g.addDataPoints(number(rnd));
        }
        m.setGauge(g);
      }
      case 1 -> {
        Sum.Builder s = Sum.newBuilder().setAggregationTemporality(t).setIsMonotonic(true);
        for (int i = rnd.nextInt(3); i > 0; i--) {
          s.addDataPoints(number(rnd));
        }
        m.setSum(s);
      }
      case 2 -> {
        Histogram.Builder h = Histogram.newBuilder().setAggregationTemporality(t);
        for (int i = rnd.nextInt(3); i > 0; i--) {
          HistogramDataPoint.Builder p =
              HistogramDataPoint.newBuilder()
                  .setStartTimeUnixNano(rnd.nextLong())
                  .setTimeUnixNano(rnd.nextLong())
                  .setCount(rnd.nextInt(100));
          if (rnd.nextBoolean()) {
            p.setSum(rnd.nextDouble());
          }
          for (int b = rnd.nextInt(5); b > 0; b--) {
            p.addExplicitBounds(rnd.nextDouble()).addBucketCounts(rnd.nextInt(9));
          }
          p.addBucketCounts(rnd.nextInt(9));
          for (int a = rnd.nextInt(4); a > 0; a--) {
            p.addAttributes(KeyValue.newBuilder().setKey(key(rnd)).setValue(value(rnd, 0)));
          }
          h.addDataPoints(p);
        }
        m.setHistogram(h);
      }
      case 3 ->
          m.setExponentialHistogram(
              ExponentialHistogram.newBuilder()
                  .setAggregationTemporality(t)
                  .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setCount(2))
                  .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setCount(1)));
      case 4 -> m.setSummary(Summary.newBuilder().addDataPoints(SummaryDataPoint.newBuilder()));
      default -> {
        // No data at all.
      }
    }
    return m.build();
  }

  private static NumberDataPoint number(Random rnd) {
    NumberDataPoint.Builder p =
        NumberDataPoint.newBuilder()
            .setStartTimeUnixNano(rnd.nextLong())
            .setTimeUnixNano(rnd.nextLong());
    switch (rnd.nextInt(3)) {
      case 0 -> p.setAsInt(rnd.nextLong());
      case 1 -> p.setAsDouble(rnd.nextGaussian());
      default -> {
        // No value.
      }
    }
    for (int a = rnd.nextInt(5); a > 0; a--) {
      p.addAttributes(KeyValue.newBuilder().setKey(key(rnd)).setValue(value(rnd, 0)));
    }
    return p.build();
  }

  private static String key(Random rnd) {
    return List.of("db.system.name", "server.address", "pool", "ünïcode", "", "k\u202Ex")
        .get(rnd.nextInt(6));
  }

  private static AnyValue value(Random rnd, int depth) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (rnd.nextInt(depth > 2 ? 5 : 8)) {
      case 0 -> v.setStringValue("v" + rnd.nextInt(100) + (rnd.nextBoolean() ? "\0\u2066" : ""));
      case 1 -> v.setBoolValue(rnd.nextBoolean());
      case 2 -> v.setIntValue(rnd.nextLong());
      case 3 -> v.setDoubleValue(rnd.nextDouble());
      case 4 -> v.setBytesValue(ByteString.copyFromUtf8("b"));
      case 5 -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          a.addValues(value(rnd, depth + 1));
        }
        v.setArrayValue(a);
      }
      case 6 ->
          v.setKvlistValue(
              KeyValueList.newBuilder()
                  .addValues(KeyValue.newBuilder().setKey("x").setValue(value(rnd, depth + 1))));
      default -> {
        // Not set.
      }
    }
    return v.build();
  }

  private static KeyValue kv(String key, AnyValue v) {
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  /** The histogram with its one point as written by hand (unpacked), temporality first. */
  private static byte[] histogramUnpacked(Histogram h, byte[] point) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeEnum(Histogram.AGGREGATION_TEMPORALITY_FIELD_NUMBER, h.getAggregationTemporalityValue());
    c.writeByteArray(Histogram.DATA_POINTS_FIELD_NUMBER, point);
    c.flush();
    return out.toByteArray();
  }

  private static byte[] requestWith(byte[] metric) throws Exception {
    ByteArrayOutputStream scope = new ByteArrayOutputStream();
    CodedOutputStream s = CodedOutputStream.newInstance(scope);
    s.writeByteArray(ScopeMetrics.METRICS_FIELD_NUMBER, metric);
    s.flush();
    ByteArrayOutputStream rm = new ByteArrayOutputStream();
    CodedOutputStream r = CodedOutputStream.newInstance(rm);
    r.writeByteArray(ResourceMetrics.SCOPE_METRICS_FIELD_NUMBER, scope.toByteArray());
    r.flush();
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    CodedOutputStream q = CodedOutputStream.newInstance(req);
    q.writeByteArray(ExportMetricsServiceRequest.RESOURCE_METRICS_FIELD_NUMBER, rm.toByteArray());
    q.flush();
    return req.toByteArray();
  }
}
