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

/**
 * OTLP/HTTP protobuf over the JDK's own HttpClient: no OkHttp, no Kotlin, no ServiceLoader. No
 * retries here; the export loop tries again at the next interval with fresh cumulative figures (and
 * the buffered leak events).
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
   * @return whether the collector accepted it
   */
  public boolean sendMetrics(Marshaler request) {
    return send(metrics, request);
  }

  /**
   * Sends a logs request.
   *
   * @param request the marshaled request
   * @return whether the collector accepted it
   */
  public boolean sendLogs(Marshaler request) {
    return send(logs, request);
  }

  private boolean send(URI uri, Marshaler request) {
    Method m = otelAgentSuppress();
    if (m != null) {
      boolean[] ranAndOk = new boolean[2];
      try {
        m.invoke(
            null,
            (Runnable)
                () -> {
                  ranAndOk[0] = true;
                  ranAndOk[1] = sendNow(uri, request);
                });
        return ranAndOk[1];
      } catch (InvocationTargetException e) {
        if (ranAndOk[0]) {
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

  private boolean sendNow(URI uri, Marshaler request) {
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
      return r.statusCode() / 100 == 2;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
