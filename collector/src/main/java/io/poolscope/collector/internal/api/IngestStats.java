package io.poolscope.collector.internal.api;

/** Where ingest outcomes are counted (the collector's own Prometheus series). */
public interface IngestStats {
  /** One request on {@code signal} (metrics, logs) ended with {@code status}. */
  void record(String signal, int status, double seconds);
}
