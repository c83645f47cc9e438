package io.poolscope.collector.internal.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.poolscope.collector.internal.fleet.FleetModel;
import io.poolscope.collector.internal.fleet.PodReport;
import io.poolscope.collector.internal.limits.Refusals;
import io.poolscope.collector.internal.store.LeakEvent;
import io.poolscope.collector.internal.store.Store;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Decodes OTLP exports and applies them. Everything that can reject a request (size, encoding,
 * parsing) happens before the first change to the fleet or the store, so a rejected request leaves
 * no trace.
 */
public final class IngestService {
  private final FleetModel fleet;
  private final Store store;
  private final LongSupplier clock;
  private final Consumer<List<LeakEvent>> onLeaks;
  private final Refusals refusals;
  private final io.poolscope.collector.internal.replication.Replication replication;

  /**
   * {@code onLeaks} sees stored leak events (for the SSE stream and alerting); values cut to their
   * bound are counted in {@code refusals}.
   */
  public IngestService(
      FleetModel fleet,
      Store store,
      LongSupplier clock,
      Consumer<List<LeakEvent>> onLeaks,
      Refusals refusals) {
    this(
        fleet,
        store,
        clock,
        onLeaks,
        refusals,
        io.poolscope.collector.internal.replication.Replication.NONE);
  }

  /** As above, sharing each request with the other replicas of the store first. */
  public IngestService(
      FleetModel fleet,
      Store store,
      LongSupplier clock,
      Consumer<List<LeakEvent>> onLeaks,
      Refusals refusals,
      io.poolscope.collector.internal.replication.Replication replication) {
    this.replication = replication;
    this.fleet = fleet;
    this.store = store;
    this.clock = clock;
    this.onLeaks = onLeaks;
    this.refusals = refusals;
  }

  /** Handles one {@code /v1/metrics} body; returns the encoded response. */
  public byte[] metrics(byte[] body, OtlpBody.Encoding enc) {
    // Protobuf is read straight from its bytes; JSON is parsed into the messages and read as their
    // bytes, so both encodings go through one decoder.
    byte[] request =
        enc == OtlpBody.Encoding.PROTOBUF ? body : OtlpCodec.metrics(body, enc).toByteArray();
    MetricsTranslator.Result r = MetricsTranslator.translate(request);
    long now = clock.getAsLong();
    if (!r.reports().isEmpty()) {
      // Shared first: a store failure answers 503 with nothing applied here either.
      replication.publish(request, now);
    }
    for (PodReport report : r.reports()) {
      fleet.apply(report, now);
    }
    ExportMetricsServiceResponse.Builder resp = ExportMetricsServiceResponse.newBuilder();
    if (r.rejected() > 0) {
      resp.setPartialSuccess(
          ExportMetricsPartialSuccess.newBuilder()
              .setRejectedDataPoints(r.rejected())
              .setErrorMessage(r.message()));
    }
    return OtlpCodec.print(resp.build(), enc);
  }

  /** Handles one {@code /v1/logs} body; returns the encoded response. */
  public byte[] logs(byte[] body, OtlpBody.Encoding enc) {
    LogsTranslator.Result r =
        LogsTranslator.translate(OtlpCodec.logs(body, enc), clock.getAsLong(), refusals);
    if (!r.leaks().isEmpty()) {
      List<LeakEvent> stored = store.addLeaks(r.leaks());
      replication.stored(stored);
      onLeaks.accept(stored);
    }
    ExportLogsServiceResponse.Builder resp = ExportLogsServiceResponse.newBuilder();
    if (r.rejected() > 0) {
      resp.setPartialSuccess(
          ExportLogsPartialSuccess.newBuilder()
              .setRejectedLogRecords(r.rejected())
              .setErrorMessage(r.message()));
    }
    return OtlpCodec.print(resp.build(), enc);
  }
}
