package io.poolscope.collector.internal.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.poolscope.collector.internal.fleet.Metrics;
import io.poolscope.collector.internal.fleet.PodReport;
import io.poolscope.collector.internal.fleet.Point;
import io.poolscope.collector.internal.fleet.TargetKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a decoded metrics request into fleet updates without touching the fleet. Points that break
 * the contract (missing pool name or target, negative or non-finite values, unknown histogram
 * kinds) are rejected one by one and reported as OTLP partial success; metrics outside the contract
 * are accepted and ignored, as a receiver should.
 */
public final class MetricsTranslator {

  /** The fleet updates, plus what was rejected and why (the first reason). */
  public record Result(List<PodReport> reports, long rejected, String message) {}

  private long rejected;
  private String message;

  private MetricsTranslator() {}

  /** Translates a whole request. */
  public static Result translate(ExportMetricsServiceRequest req) {
    MetricsTranslator t = new MetricsTranslator();
    Map<String, PodReport> byInstance = new LinkedHashMap<>();
    List<PodReport> reports = new ArrayList<>();
    for (ResourceMetrics rm : req.getResourceMetricsList()) {
      ResourceInfo who = ResourceInfo.of(Attributes.of(rm.getResource().getAttributesList()));
      long rejectedBefore = t.rejected;
      List<Point> points = new ArrayList<>();
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          if (Metrics.ALL.contains(m.getName())) {
            t.metric(m, points);
          }
        }
      }
      if (who == null) {
        t.reject(
            points.size(),
            "resource has no service.name or service.instance.id, or a name over "
                + Attributes.MAX_NAME
                + " characters");
        continue;
      }
      if (points.isEmpty() && t.rejected > rejectedBefore) {
        // Every point of this resource was rejected: like a rejected request, it changes nothing
        // (no new pod, no refreshed lastSeen), or garbage could keep a pod alive or invent one.
        continue;
      }
      PodReport earlier = byInstance.get(who.instanceId());
      if (earlier != null) {
        earlier.points().addAll(points);
        continue;
      }
      PodReport r =
          new PodReport(
              who.service(), who.instanceId(), who.podName(), who.host(), who.version(), points);
      byInstance.put(who.instanceId(), r);
      reports.add(r);
    }
    return new Result(reports, t.rejected, t.message);
  }

  private void metric(Metric m, List<Point> out) {
    String name = m.getName();
    switch (m.getDataCase()) {
      case GAUGE -> {
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          number(
              name,
              p,
              Metrics.COUNTERS.contains(name)
                  ? Point.Temporality.CUMULATIVE
                  : Point.Temporality.GAUGE,
              out);
        }
      }
      case SUM -> {
        boolean delta =
            m.getSum().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        Point.Temporality t;
        if (Metrics.COUNTERS.contains(name)) {
          t = delta ? Point.Temporality.DELTA : Point.Temporality.CUMULATIVE;
        } else {
          // Semantic conventions make db.client.connection.count an UpDownCounter: a current value.
          t = Point.Temporality.GAUGE;
        }
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          number(name, p, t, out);
        }
      }
      case HISTOGRAM -> {
        boolean delta =
            m.getHistogram().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          histogram(name, p, delta ? Point.Temporality.DELTA : Point.Temporality.CUMULATIVE, out);
        }
      }
      case EXPONENTIAL_HISTOGRAM ->
          reject(
              m.getExponentialHistogram().getDataPointsCount(),
              name + ": exponential histograms are not supported; use explicit buckets");
      default -> reject(1, name + ": unexpected data type " + m.getDataCase());
    }
  }

  private void number(String name, NumberDataPoint p, Point.Temporality t, List<Point> out) {
    double v =
        p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
    if (p.getValueCase() == NumberDataPoint.ValueCase.VALUE_NOT_SET) {
      reject(1, name + ": data point without a value");
      return;
    }
    if (!Double.isFinite(v) || v < 0) {
      reject(1, name + ": value " + v + " is not a finite non-negative number");
      return;
    }
    Map<String, String> a = Attributes.of(p.getAttributesList());
    Point point = point(name, t, a, v, null, p.getStartTimeUnixNano());
    if (point != null) {
      out.add(point);
    }
  }

  private void histogram(String name, HistogramDataPoint p, Point.Temporality t, List<Point> out) {
    int nb = p.getExplicitBoundsCount();
    if (p.getBucketCountsCount() != nb + 1) {
      reject(1, name + ": " + p.getBucketCountsCount() + " bucket counts for " + nb + " bounds");
      return;
    }
    double[] bounds = new double[nb];
    for (int i = 0; i < nb; i++) {
      bounds[i] = p.getExplicitBounds(i);
      if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        reject(1, name + ": bucket bounds must be finite and increasing");
        return;
      }
    }
    long[] counts = new long[nb + 1];
    long total = 0;
    for (int i = 0; i <= nb; i++) {
      counts[i] = p.getBucketCounts(i);
      if (counts[i] < 0 || total + counts[i] < 0) {
        // fixed64 in the protocol; a "negative" count is an overflow or garbage.
        reject(1, name + ": bucket count out of range");
        return;
      }
      total += counts[i];
    }
    if (total != p.getCount()) {
      reject(1, name + ": count " + p.getCount() + " is not the sum of its bucket counts " + total);
      return;
    }
    double sum = p.hasSum() ? p.getSum() : 0;
    if (!Double.isFinite(sum)) {
      reject(1, name + ": sum is not finite");
      return;
    }
    Map<String, String> a = Attributes.of(p.getAttributesList());
    Point.Histogram h = new Point.Histogram(bounds, counts, sum, p.getCount());
    Point point = point(name, t, a, p.getCount(), h, p.getStartTimeUnixNano());
    if (point != null) {
      out.add(point);
    }
  }

  private Point point(
      String name,
      Point.Temporality t,
      Map<String, String> a,
      double v,
      Point.Histogram h,
      long start) {
    TargetKey target = Attributes.target(a);
    if (target == null) {
      reject(1, name + ": missing or invalid database target attributes (db.system.name)");
      return null;
    }
    String pool = a.get("db.client.connection.pool.name");
    if (!Metrics.POD_LEVEL.contains(name) && (pool == null || pool.isEmpty())) {
      reject(1, name + ": missing db.client.connection.pool.name");
      return null;
    }
    String poolType = a.get("poolscope.pool.type");
    if (!Attributes.ok(pool) || !Attributes.ok(poolType)) {
      reject(1, name + ": a name is over " + Attributes.MAX_NAME + " characters");
      return null;
    }
    String attr =
        switch (name) {
          case Metrics.COUNT -> a.get("db.client.connection.state");
          case Metrics.LEAKS -> a.get("poolscope.leak.state");
          case Metrics.REFUSED -> a.getOrDefault("error.type", "unknown");
          case Metrics.POOLS_CREATED, Metrics.POOLS_CLOSED ->
              a.getOrDefault("poolscope.pool.type", "unknown");
          default -> null;
        };
    if ((Metrics.COUNT.equals(name) || Metrics.LEAKS.equals(name)) && attr == null) {
      reject(1, name + ": missing state attribute");
      return null;
    }
    if (!Attributes.ok(attr)) {
      reject(1, name + ": attribute value over " + Attributes.MAX_NAME + " characters");
      return null;
    }
    return new Point(name, t, target, pool, attr, poolType, v, h, start);
  }

  private void reject(long n, String why) {
    if (n <= 0) {
      return;
    }
    rejected += n;
    if (message == null) {
      message = why;
    }
  }
}
