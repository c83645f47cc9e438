package io.poolscope.agent.internal.export;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * OTLP/HTTP protobuf, one HTTP/1.1 POST per request on a socket of its own ({@code Connection:
 * close}). A plain socket rather than an HTTP client library: the OpenTelemetry Java agent
 * instruments the JDK's HttpClient and HttpURLConnection, and would trace every export of this
 * agent as a root span of the application's traces and add trace headers to it (ClassLoadingIT); it
 * has no public switch to exclude one caller, and sockets it does not instrument. No retries here:
 * each request is tried once and its {@link Outcome} classified; the export loop decides when to
 * try again (with fresh cumulative figures and the buffered leak events), see {@link
 * BackoffPolicy}.
 */
public final class OtlpSender {
  // Reads wait in slices this long, so an interrupt (the final export's) is seen promptly.
  private static final int SLICE_MILLIS = 50;
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final String host;
  private final int port;
  private final boolean tls;
  private final String metricsPath;
  private final String logsPath;
  private final String authorization;
  private final Duration timeout;

  /**
   * Creates a sender.
   *
   * @param endpoint the collector's base URL
   * @param token bearer token or null
   * @param timeout per-request timeout: the whole exchange, connect to the status line
   */
  public OtlpSender(URI endpoint, String token, Duration timeout) {
    this.tls = "https".equalsIgnoreCase(endpoint.getScheme());
    this.host = endpoint.getHost();
    this.port = endpoint.getPort() >= 0 ? endpoint.getPort() : tls ? 443 : 80;
    String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    this.metricsPath = base + "/v1/metrics";
    this.logsPath = base + "/v1/logs";
    this.authorization = token == null ? null : "Bearer " + token;
    this.timeout = timeout;
  }

  /**
   * Sends a metrics request.
   *
   * @param request the encoded {@code ExportMetricsServiceRequest}
   * @return what the collector did with it
   */
  public Outcome sendMetrics(byte[] request) {
    return send(metricsPath, request);
  }

  /**
   * Sends a logs request.
   *
   * @param request the encoded {@code ExportLogsServiceRequest}
   * @return what the collector did with it
   */
  public Outcome sendLogs(byte[] request) {
    return send(logsPath, request);
  }

  private Outcome send(String path, byte[] body) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Socket socket = null;
    Watchdog watchdog = null;
    try {
      socket = new Socket();
      // Writes cannot time out on a socket: a collector that never reads the body would hold the
      // export thread for good. So the socket is closed at the deadline whatever it is doing.
      watchdog = Watchdog.closeAt(socket, deadline);
      socket.connect(new InetSocketAddress(host, port), remainingMillis(deadline));
      if (tls) {
        socket = handshake(socket, deadline);
        watchdog.retarget(socket);
      }
      OutputStream out = socket.getOutputStream();
      out.write(head(path, body.length));
      out.write(body);
      out.flush();
      Outcome o = readResponse(socket, deadline);
      return watchdog.fired() ? new Outcome(0, -1, "HttpTimeoutException") : o;
    } catch (SocketTimeoutException e) {
      return new Outcome(0, -1, "HttpTimeoutException");
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      return new Outcome(0, -1, "interrupted");
    } catch (IOException e) {
      if (watchdog != null && watchdog.fired()) {
        return new Outcome(0, -1, "HttpTimeoutException");
      }
      return new Outcome(0, -1, e.getClass().getSimpleName());
    } finally {
      if (watchdog != null) {
        watchdog.cancel();
      }
      closeQuietly(socket);
    }
  }

  private Socket handshake(Socket plain, long deadline) throws IOException {
    SSLSocket s =
        (SSLSocket)
            ((SSLSocketFactory) SSLSocketFactory.getDefault())
                .createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    s.setSSLParameters(p);
    s.setSoTimeout(remainingMillis(deadline));
    s.startHandshake();
    return s;
  }

  private byte[] head(String path, int length) {
    StringBuilder h = new StringBuilder(256);
    h.append("POST ").append(path).append(" HTTP/1.1\r\n");
    h.append("Host: ").append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
    h.append(':').append(port).append("\r\n");
    h.append("Content-Type: application/x-protobuf\r\n");
    h.append("Content-Length: ").append(length).append("\r\n");
    h.append("Connection: close\r\n");
    if (authorization != null) {
      h.append("Authorization: ").append(authorization).append("\r\n");
    }
    h.append("\r\n");
    return h.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The status line and the headers; the body is not needed. */
  private static Outcome readResponse(Socket socket, long deadline) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    int status = -1;
    long retryAfter = -1;
    String retryAfterValue = null;
    int read = 0;
    while (true) {
      int c = readByte(socket, in, deadline);
      if (c < 0) {
        if (status < 0) {
          throw new EOFException("no HTTP response");
        }
        break;
      }
      if (++read > MAX_HEADER_BYTES) {
        throw new IOException("HTTP response header too large");
      }
      if (c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
        continue;
      }
      String l = line.toString();
      line.setLength(0);
      if (status < 0) {
        status = statusOf(l);
      } else if (l.isEmpty()) {
        break;
      } else {
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase("Retry-After")) {
          retryAfterValue = l.substring(colon + 1).trim();
        }
      }
    }
    if (status == 429 || status == 503) {
      retryAfter = BackoffPolicy.retryAfterMillis(retryAfterValue, System.currentTimeMillis());
    }
    return new Outcome(status, retryAfter, null);
  }

  private static int statusOf(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response");
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status");
    }
  }

  private static int readByte(Socket socket, InputStream in, long deadline) throws IOException {
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException();
      }
      int left = remainingMillis(deadline);
      socket.setSoTimeout(Math.min(SLICE_MILLIS, left));
      try {
        return in.read();
      } catch (SocketTimeoutException e) {
        if (left <= SLICE_MILLIS) {
          throw e;
        }
      }
    }
  }

  private static int remainingMillis(long deadline) throws SocketTimeoutException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new SocketTimeoutException("export timeout");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
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
