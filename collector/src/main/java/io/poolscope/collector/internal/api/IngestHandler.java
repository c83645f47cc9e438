package io.poolscope.collector.internal.api;

import io.javalin.http.Context;
import io.poolscope.collector.internal.limits.IngestGate;
import io.poolscope.collector.internal.otlp.IngestService;
import io.poolscope.collector.internal.otlp.OtlpBody;
import io.poolscope.collector.internal.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.function.BiFunction;

/** {@code POST /v1/metrics} and {@code /v1/logs}: authenticate, read, hand over, respond. */
public final class IngestHandler {
  private final IngestService ingest;
  private final OtlpBody bodies;
  private final byte[] expectedAuth;
  private final IngestStats stats;
  private final IngestGate gate;
  private final long bodyDeadlineNanos;

  /**
   * {@code token} null disables authentication; {@code gate} admits bodies, each of which must
   * arrive within {@code bodyDeadline}.
   */
  public IngestHandler(
      IngestService ingest,
      OtlpBody bodies,
      String token,
      IngestStats stats,
      IngestGate gate,
      Duration bodyDeadline) {
    this.ingest = ingest;
    this.bodies = bodies;
    this.expectedAuth = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.stats = stats;
    this.gate = gate;
    this.bodyDeadlineNanos = bodyDeadline.toNanos();
  }

  void metrics(Context ctx) throws IOException {
    handle(ctx, "metrics", ingest::metrics);
  }

  void logs(Context ctx) throws IOException {
    handle(ctx, "logs", ingest::logs);
  }

  private void handle(
      Context ctx, String signal, BiFunction<byte[], OtlpBody.Encoding, byte[]> service)
      throws IOException {
    long start = System.nanoTime();
    int status = 500;
    try {
      authenticate(ctx.header("Authorization"));
      OtlpBody.Encoding enc = OtlpBody.encoding(ctx.header("Content-Type"));
      try (IngestGate.Permit permit = gate.enter()) {
        byte[] body =
            bodies.read(
                ctx.req().getInputStream(),
                ctx.header("Content-Encoding"),
                ctx.req().getContentLengthLong(),
                permit::reserve,
                start + bodyDeadlineNanos);
        byte[] response = service.apply(body, enc);
        ctx.status(200).contentType(enc.contentType());
        // Written straight to the servlet response: a result() is copied through a new 32 KiB
        // buffer per response, a sixth of all the collector allocated at 10,000 pods.
        ctx.res().setContentLength(response.length);
        ctx.res().getOutputStream().write(response);
        status = 200;
      }
    } catch (IngestGate.Saturated e) {
      // The agent backs off on 503 and honours Retry-After; nothing of the body was applied.
      status = 503;
      ctx.header("Retry-After", "1");
      // The body is left unread: closing the connection after the answer keeps the server from
      // waiting for the rest of a slow upload on this thread.
      ctx.header("Connection", "close");
      throw new ApiException(503, "ingest_saturated", e.getMessage());
    } catch (ApiException e) {
      status = e.status();
      throw e;
    } catch (StoreException e) {
      // Nothing was applied (see IngestService); the agent keeps the export and sends it again.
      status = 503;
      throw e;
    } finally {
      stats.record(signal, status, (System.nanoTime() - start) / 1e9);
    }
  }

  private void authenticate(String header) {
    if (expectedAuth == null) {
      return;
    }
    byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
    // MessageDigest.isEqual takes time independent of where the first difference is.
    if (!MessageDigest.isEqual(given, expectedAuth)) {
      throw new ApiException(
          401,
          "unauthorized",
          header == null
              ? "missing Authorization: Bearer token (ingest.token is configured)"
              : "wrong bearer token");
    }
  }
}
