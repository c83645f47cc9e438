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
 * retries here; the export loop tries again at the next interval with fresh cumulative figures (and
 * the buffered leak events).
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
