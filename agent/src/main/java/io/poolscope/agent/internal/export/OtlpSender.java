package io.poolscope.agent.internal.export;

import io.opentelemetry.exporter.internal.marshal.Marshaler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * OTLP/HTTP protobuf over the JDK's own HttpClient: no OkHttp, no Kotlin, no ServiceLoader. No
 * retries here: each request is tried once and its {@link Outcome} classified; the export loop
 * decides when to try again (with fresh cumulative figures and the buffered leak events), see
 * {@link BackoffPolicy}.
 */
public final class OtlpSender {
  private final HttpClient client;
  private final URI metrics;
  private final URI logs;
  private final String authorization;
  private final Duration timeout;

  /**
   * Creates a sender.
   *
   * @param endpoint the collector's base URL
   * @param token bearer token or null
   * @param timeout per-request timeout
   */
  public OtlpSender(URI endpoint, String token, Duration timeout) {
    String base = endpoint.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    this.metrics = URI.create(base + "/v1/metrics");
    this.logs = URI.create(base + "/v1/logs");
    this.authorization = token == null ? null : "Bearer " + token;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .executor(Runnable::run)
            .build();
  }

  /**
   * Sends a metrics request.
   *
   * @param request the marshaled request
   * @return what the collector did with it
   */
  public Outcome sendMetrics(Marshaler request) {
    return send(metrics, request);
  }

  /**
   * Sends a logs request.
   *
   * @param request the marshaled request
   * @return what the collector did with it
   */
  public Outcome sendLogs(Marshaler request) {
    return send(logs, request);
  }

  private Outcome send(URI uri, Marshaler request) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream(request.getBinarySerializedSize());
      request.writeBinaryTo(body);
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
      int status = r.statusCode();
      long retryAfter = -1;
      if (status == 429 || status == 503) {
        retryAfter =
            BackoffPolicy.retryAfterMillis(
                r.headers().firstValue("Retry-After").orElse(null), System.currentTimeMillis());
      }
      return new Outcome(status, retryAfter, null);
    } catch (IOException e) {
      return new Outcome(0, -1, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(0, -1, "interrupted");
    }
  }

  /**
   * What became of one request. Three kinds: accepted (2xx); content refused (400, 413, 415: the
   * collector works but will never take these bytes, so OTLP says not to retry them and waiting
   * longer changes nothing); and failed (no answer, a timeout, 401/403/404, 429, 5xx and anything
   * else: the collector is down, overloaded or misconfigured, so the loop backs off).
   */
  public static final class Outcome {
    /** A request that was not needed (nothing to send). */
    static final Outcome NOTHING = new Outcome(200, -1, null);

    private final int status;
    private final long retryAfterMillis;
    private final String error;

    Outcome(int status, long retryAfterMillis, String error) {
      this.status = status;
      this.retryAfterMillis = retryAfterMillis;
      this.error = error;
    }

    /**
     * The HTTP status, or 0 when there was no answer.
     *
     * @return the status
     */
    public int status() {
      return status;
    }

    /**
     * The collector's {@code Retry-After} on a 429 or 503, in milliseconds, or -1.
     *
     * @return the requested wait
     */
    public long retryAfterMillis() {
      return retryAfterMillis;
    }

    /**
     * Whether the collector accepted the request.
     *
     * @return true for 2xx
     */
    public boolean accepted() {
      return status / 100 == 2;
    }

    /**
     * Whether the collector answered but refuses this content for good (400, 413, 415).
     *
     * @return true when retrying the same bytes is pointless
     */
    public boolean refused() {
      return status == 400 || status == 413 || status == 415;
    }

    /**
     * Whether the collector could not or would not take it now: back off.
     *
     * @return true unless accepted or refused
     */
    public boolean failed() {
      return !accepted() && !refused();
    }

    @Override
    public String toString() {
      String s = status == 0 ? "no answer (" + error + ")" : "HTTP " + status;
      return retryAfterMillis >= 0 ? s + ", Retry-After " + retryAfterMillis + " ms" : s;
    }
  }
}
