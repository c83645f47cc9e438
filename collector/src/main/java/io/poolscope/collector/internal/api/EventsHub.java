package io.poolscope.collector.internal.api;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The {@code /api/events} stream: an {@code update} event after the fleet changed, at most once a
 * second, and a comment heartbeat every 15 s so proxies keep the connection open.
 */
public final class EventsHub {
  private static final long HEARTBEAT_MILLIS = 15_000;

  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final LongSupplier changes;
  private final LongSupplier clock;
  private long lastSentChanges;
  private long lastHeartbeat;

  /** {@code changes} increases whenever something a dashboard shows changed. */
  public EventsHub(LongSupplier changes, LongSupplier clock) {
    this.changes = changes;
    this.clock = clock;
    this.lastSentChanges = changes.getAsLong();
  }

  /**
   * Opens a stream on the request's own Jetty thread, as Javalin's {@code sse()} does but without
   * its hand-off to Javalin's async pool: that pool's idle threads are not daemons and outlive the
   * server by their 60 s keep-alive, holding a JVM that embeds the collector (the demo) open after
   * {@code close()}. The stream then lives on the request's async context ({@link
   * SseClient#keepAlive()}); Jetty's own threads stop with the server.
   */
  void handle(Context ctx) throws IOException {
    if (!"text/event-stream".equals(ctx.header("Accept"))) {
      return; // as Javalin's sse(): an empty 200 to a client that did not ask for a stream
    }
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setCharacterEncoding("UTF-8");
    res.setContentType("text/event-stream");
    res.addHeader("Connection", "close");
    res.addHeader("Cache-Control", "no-cache");
    res.addHeader("X-Accel-Buffering", "no");
    res.flushBuffer();
    connect(new SseClient(ctx));
  }

  void connect(SseClient client) {
    client.keepAlive();
    clients.add(client);
    client.onClose(() -> clients.remove(client));
    client.sendEvent("update", Json.obj("generatedAt", clock.getAsLong()));
  }

  /** Called once a second by the collector's scheduler. */
  public synchronized void tick() {
    long now = clock.getAsLong();
    long c = changes.getAsLong();
    if (c != lastSentChanges) {
      lastSentChanges = c;
      Map<String, Object> data = Json.obj("generatedAt", now);
      for (SseClient client : clients) {
        send(client, () -> client.sendEvent("update", data));
      }
    }
    if (now - lastHeartbeat >= HEARTBEAT_MILLIS) {
      lastHeartbeat = now;
      for (SseClient client : clients) {
        send(client, () -> client.sendComment("heartbeat"));
      }
    }
  }

  private void send(SseClient client, Runnable r) {
    if (client.terminated()) {
      clients.remove(client);
      return;
    }
    try {
      r.run();
    } catch (RuntimeException e) {
      // A client that went away between the check and the write.
      clients.remove(client);
    }
  }

  /** Ends every stream (shutdown). */
  public void closeAll() {
    for (SseClient client : clients) {
      try {
        client.close();
      } catch (RuntimeException e) {
        // Already closed by the client.
      }
    }
    clients.clear();
  }

  /** Connected clients. */
  public int size() {
    return clients.size();
  }
}
