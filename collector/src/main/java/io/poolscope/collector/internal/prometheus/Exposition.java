package io.poolscope.collector.internal.prometheus;

import io.poolscope.collector.internal.api.IngestStats;
import io.poolscope.collector.internal.budget.Overview;
import io.poolscope.collector.internal.fleet.FamilyView;
import io.poolscope.collector.internal.fleet.PodView;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics}: the fleet figures of the current overview, the pools' wait and use histograms,
 * and the collector's own ingest counters, in the Prometheus text format. Each collector has its
 * own registry, so several can run in one JVM (tests, the demo).
 */
public final class Exposition implements IngestStats {
  private final CollectorRegistry registry = new CollectorRegistry();
  private final Counter requests =
      Counter.build()
          .name("poolscope_ingest_requests_total")
          .help("OTLP export requests received, by signal and HTTP status.")
          .labelNames("signal", "status")
          .register(registry);
  private final Histogram duration =
      Histogram.build()
          .name("poolscope_ingest_request_duration_seconds")
          .help("Time to handle one OTLP export request.")
          .labelNames("signal")
          .buckets(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1)
          .register(registry);

  /** Exposes the figures of {@code overview} and {@code extra} samples, read at each scrape. */
  public Exposition(Supplier<Overview> overview, Supplier<List<FleetSample>> extra) {
    new FleetCollector(overview, extra).register(registry);
  }

  @Override
  public void record(String signal, int status, double seconds) {
    requests.labels(signal, Integer.toString(status)).inc();
    duration.labels(signal).observe(seconds);
  }

  /** The text exposition. */
  public String scrape() {
    StringWriter w = new StringWriter(16_384);
    try {
      TextFormat.write004(w, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * The wait histogram's bucket bounds on {@code /metrics}, seconds: one per decade from 1 ms to 10
   * s, 0.1 s (the default rule's threshold) among them. Each is in the agent's layout, so every
   * exposed count is exact; the collector's own percentiles use the full layout.
   */
  static final double[] WAIT_BOUNDS = {0.001, 0.01, 0.1, 1, 10};

  private static final class FleetCollector extends Collector {
    private final Supplier<Overview> overview;
    private final Supplier<List<FleetSample>> extra;

    FleetCollector(Supplier<Overview> overview, Supplier<List<FleetSample>> extra) {
      this.overview = overview;
      this.extra = extra;
    }

    /** Converts an overview into metric families at scrape time. */
    @Override
    public List<MetricFamilySamples> collect() {
      Overview o = overview.get();
      Map<String, List<MetricFamilySamples.Sample>> byName = new LinkedHashMap<>();
      List<FleetSample> all = new ArrayList<>(FleetSamples.derive(o));
      all.addAll(extra.get());
      for (FleetSample s : all) {
        byName
            .computeIfAbsent(s.name(), k -> new ArrayList<>())
            .add(
                new MetricFamilySamples.Sample(
                    s.name(),
                    new ArrayList<>(s.labels().keySet()),
                    new ArrayList<>(s.labels().values()),
                    s.value()));
      }
      List<MetricFamilySamples> out = new ArrayList<>();
      byName.forEach(
          (name, samples) -> {
            boolean counter = name.endsWith("_total");
            String family = counter ? name.substring(0, name.length() - 6) : name;
            out.add(
                new MetricFamilySamples(
                    family, counter ? Type.COUNTER : Type.GAUGE, Help.of(name), samples));
          });
      out.add(distributions(o, "poolscope_pool_wait_seconds", true));
      out.add(distributions(o, "poolscope_pool_use_seconds", false));
      return out;
    }

    /**
     * The bucket bounds {@code /metrics} shows of a wait histogram: those of {@link #WAIT_BOUNDS}
     * the agent's layout has, so a fine layout (the agent's 118 bounds) reads as the same 5 buckets
     * and {@code +Inf} on every series, each count exact (a coarse bucket is the sum of the fine
     * ones below it). A layout with none of them (another exporter's) is shown as received.
     */
    static boolean[] exposed(double[] bounds) {
      boolean[] shown = new boolean[bounds.length];
      boolean any = false;
      for (int i = 0; i < bounds.length; i++) {
        shown[i] = java.util.Arrays.binarySearch(WAIT_BOUNDS, bounds[i]) >= 0;
        any |= shown[i];
      }
      if (!any) {
        java.util.Arrays.fill(shown, true);
      }
      return shown;
    }

    /**
     * Per family and pod: the wait time as a histogram on {@link #WAIT_BOUNDS} (aggregatable across
     * pods, "waits above 100 ms" exact); the use time as a summary of count and sum only (lease
     * rate and mean hold, aggregatable), its p99 being {@code poolscope_pool_use_seconds_p99}. Two
     * histograms on every bound would be 38 lines per family and pod, most of the exposition.
     */
    private static MetricFamilySamples distributions(Overview o, String name, boolean wait) {
      List<MetricFamilySamples.Sample> samples = new ArrayList<>();
      Map<PodView, String> podLabel = FleetSamples.podLabels(o.fleet().pods());
      for (PodView pod : o.fleet().pods()) {
        if (pod.stale()) {
          continue;
        }
        for (FamilyView f : pod.families()) {
          FamilyView.HistogramView h = wait ? f.waitHistogram() : f.useHistogram();
          if (h.counts().length == 0) {
            continue;
          }
          Map<String, String> l = FleetSamples.poolLabels(pod, podLabel.get(pod), f);
          List<String> names = new ArrayList<>(l.keySet());
          List<String> values = new ArrayList<>(l.values());
          long cum = 0;
          long[] c = h.counts();
          boolean[] shown = wait ? exposed(h.bounds()) : new boolean[h.bounds().length];
          List<String> leNames = new ArrayList<>(names);
          leNames.add("le");
          for (int i = 0; i < c.length; i++) {
            cum += c[i];
            if (!wait || (i < h.bounds().length && !shown[i])) {
              continue;
            }
            String le = i < h.bounds().length ? Collector.doubleToGoString(h.bounds()[i]) : "+Inf";
            List<String> leValues = new ArrayList<>(values);
            leValues.add(le);
            samples.add(new MetricFamilySamples.Sample(name + "_bucket", leNames, leValues, cum));
          }
          samples.add(new MetricFamilySamples.Sample(name + "_count", names, values, cum));
          samples.add(new MetricFamilySamples.Sample(name + "_sum", names, values, h.sum()));
        }
      }
      return new MetricFamilySamples(
          name,
          wait ? Type.HISTOGRAM : Type.SUMMARY,
          wait
              ? "Time spent in getConnection, seconds (db.client.connection.wait_time)."
              : "Time a connection was held, seconds (db.client.connection.use_time); p99 in"
                  + " poolscope_pool_use_seconds_p99.",
          samples);
    }
  }
}
