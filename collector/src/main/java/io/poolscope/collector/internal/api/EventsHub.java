package io.poolscope.collector.internal.api;

import io.javalin.http.sse.SseClient;
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
