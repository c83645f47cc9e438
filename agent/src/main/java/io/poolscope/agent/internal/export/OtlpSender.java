package io.poolscope.agent.internal.export;

import io.opentelemetry.exporter.internal.marshal.Marshaler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * OTLP/HTTP protobuf over the JDK's own HttpClient: no OkHttp, no Kotlin, no ServiceLoader. No
 * retries here: each request is tried once and its {@link Outcome} classified; the export loop
 * decides when to try again (with fresh cumulative figures and the buffered leak events), see
 * {@link BackoffPolicy}.
 */
public final class OtlpSender {
  /**
   * The OpenTelemetry Java agent's bootstrap {@code InstrumentationUtil}, the switch its own
   * exporters use to keep its instrumentation off their requests. Without it, that agent traces
   * every export of this one as a root HTTP client span in the application's traces and adds trace
   * headers to it (ClassLoadingIT). Joined at run time so the shade plugin does not relocate it.
   */
  private static final String OTEL_AGENT_SUPPRESS =
      String.join(
          ".",
          "io",
          "opentelemetry",
          "javaagent",
          "shaded",
          "io",
          "opentelemetry",
          "api",
          "internal",
          "InstrumentationUtil");

  private volatile Method suppress;
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
    Method m = otelAgentSuppress();
    if (m != null) {
      boolean[] ran = new boolean[1];
      Outcome[] outcome = new Outcome[1];
      try {
        m.invoke(
            null,
            (Runnable)
                () -> {
                  ran[0] = true;
                  outcome[0] = sendNow(uri, request);
                });
        return outcome[0];
      } catch (InvocationTargetException e) {
        if (ran[0]) {
          // The send itself failed: as without the other agent, never sent twice.
          Throwable cause = e.getCause();
          if (cause instanceof Error) {
            throw (Error) cause;
          }
          throw cause instanceof RuntimeException
              ? (RuntimeException) cause
              : new IllegalStateException(cause);
        }
        suppress = null; // not the method we know: send without it
      } catch (ReflectiveOperationException | RuntimeException e) {
        suppress = null;
      }
    }
    return sendNow(uri, request);
  }

  /**
   * Looked up at each export until found: the OpenTelemetry agent may start after this one, or be
   * attached later. Only on the export thread, once per request.
   */
  private Method otelAgentSuppress() {
    Method m = suppress;
    if (m == null) {
      try {
        m =
            Class.forName(OTEL_AGENT_SUPPRESS, false, null)
                .getMethod("suppressInstrumentation", Runnable.class);
        suppress = m;
      } catch (ReflectiveOperationException | LinkageError e) {
        return null;
      }
    }
    return m;
  }

  private Outcome sendNow(URI uri, Marshaler request) {
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
      // The request timeout ends only the wait for the response headers; a server that sends
      // them and then never the body would hold the export thread for good. So the whole
      // exchange, body included, is bounded by the timeout, and abandoned (cancelled, its
      // connection closed) beyond it.
      CompletableFuture<HttpResponse<Void>> exchange =
          client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
      HttpResponse<Void> r;
      try {
        r = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        exchange.cancel(true);
        return new Outcome(0, -1, "HttpTimeoutException");
      } catch (ExecutionException e) {
        exchange.cancel(true);
        Throwable cause = e.getCause();
        return new Outcome(
            0, -1, cause == null ? "ExecutionException" : cause.getClass().getSimpleName());
      } catch (InterruptedException e) {
        exchange.cancel(true);
        throw e;
      }
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
