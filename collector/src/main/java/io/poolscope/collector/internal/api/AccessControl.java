package io.poolscope.collector.internal.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What every request passes before its handler: {@code X-Content-Type-Options: nosniff} on every
 * response; the read token ({@code api.token}) on the dashboard, the read API, the event stream and
 * {@code /metrics}; a per-client request rate ({@code ingest.rateLimit}) on ingest. The agents'
 * token is checked by {@link IngestHandler}; {@code /api/health} stays open for liveness probes.
 */
public final class AccessControl {
  /** Clients remembered at most; idle ones are dropped first so the map cannot grow unbounded. */
  static final int MAX_CLIENTS = 10_000;

  private final byte[] readTokenDigest;
  private final double ratePerSecond;
  private final double burst;
  private final LongSupplier nanos;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * {@code readToken} null leaves reads open; {@code ingestRatePerSecond} 0 leaves ingest unlimited
   * (a client may then burst up to ten seconds' worth of requests).
   */
  public AccessControl(String readToken, double ingestRatePerSecond) {
    this(readToken, ingestRatePerSecond, System::nanoTime);
  }

  AccessControl(String readToken, double ingestRatePerSecond, LongSupplier nanos) {
    this.readTokenDigest = readToken == null ? null : sha256(readToken);
    this.ratePerSecond = ingestRatePerSecond;
    this.burst = Math.max(1, ingestRatePerSecond * 10);
    this.nanos = nanos;
  }

  /** Installs the checks as a before-handler of every request. */
  void install(Javalin app) {
    app.before(
        ctx -> {
          ctx.header("X-Content-Type-Options", "nosniff");
          String path = ctx.path();
          if (path.startsWith("/v1/")) {
            limitRate(ctx);
          } else if (readTokenDigest != null && !path.equals("/api/health")) {
            authenticate(ctx);
          }
        });
  }

  private void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String given = null;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = header.substring(7);
    } else if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      // Browsers send Basic on page loads, fetch and EventSource alike: any user, token as
      // password.
      try {
        String pair =
            new String(
                Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        given = colon < 0 ? null : pair.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        given = null;
      }
    }
    // Digests first: equal lengths, so the comparison time says nothing about the token either.
    if (given == null || !MessageDigest.isEqual(sha256(given), readTokenDigest)) {
      ctx.header("WWW-Authenticate", "Basic realm=\"Poolscope\", charset=\"UTF-8\"");
      throw new ApiException(
          401,
          "unauthorized",
          header == null
              ? "api.token is configured: send it as Authorization: Bearer, or as the Basic"
                  + " password"
              : "wrong read token");
    }
  }

  private void limitRate(Context ctx) {
    if (ratePerSecond <= 0) {
      return;
    }
    String client = ctx.req().getRemoteAddr();
    long now = nanos.getAsLong();
    if (buckets.size() >= MAX_CLIENTS && !buckets.containsKey(client)) {
      buckets.values().removeIf(b -> b.isFull(now));
    }
    Bucket b = buckets.computeIfAbsent(client, k -> new Bucket(now));
    long waitSeconds = b.take(now);
    if (waitSeconds > 0) {
      ctx.header("Retry-After", Long.toString(waitSeconds));
      throw new ApiException(
          429,
          "too_many_requests",
          "more than ingest.rateLimit = "
              + ratePerSecond
              + " requests per second from this client; retry after "
              + waitSeconds
              + " s");
    }
  }

  /** A token bucket: {@code burst} requests at once, refilled at {@code ratePerSecond}. */
  private final class Bucket {
    private double tokens = burst;
    private long last;

    Bucket(long now) {
      last = now;
    }

    /** 0 when a request may pass, else whole seconds until one may. */
    synchronized long take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerSecond));
    }

    synchronized boolean isFull(long now) {
      refill(now);
      return tokens >= burst;
    }

    private void refill(long now) {
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * ratePerSecond);
      last = now;
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
