package io.poolscope.dashboard.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the collector serving collector/API.md's shapes from canned JSON, used to see
 * views the short-lived test collector cannot produce (days of history, delivered and failed
 * notifications). The static files and WebJars come from the classpath exactly as the collector
 * serves them.
 */
final class FixtureCollector implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TIME_FIELDS =
      Set.of("generatedAt", "checkedAt", "lastSeen", "time", "activeSince", "firedAt");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "json", "application/json",
          "map", "application/json",
          "png", "image/png");

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<OutputStream> streams = new CopyOnWriteArrayList<>();
  private volatile int openDelta;

  FixtureCollector() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Moves the first database's open count and tells the pages over SSE. */
  void addOpen(int delta) throws IOException {
    openDelta += delta;
    for (OutputStream s : streams) {
      try {
        s.write(
            ("event: update\ndata: {\"generatedAt\": " + System.currentTimeMillis() + "}\n\n")
                .getBytes(StandardCharsets.UTF_8));
        s.flush();
      } catch (IOException gone) {
        streams.remove(s);
      }
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    try {
      if (path.equals("/api/events")) {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(": hello\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        streams.add(out);
        return; // held open; closed with the server
      }
      if (path.startsWith("/api/")) {
        JsonNode body = api(path, ex.getRequestURI().getQuery());
        if (body == null) {
          send(
              ex,
              404,
              "application/json",
              "{\"status\":404,\"error\":\"not_found\",\"message\":\"unknown\"}"
                  .getBytes(StandardCharsets.UTF_8));
        } else {
          send(ex, 200, "application/json", JSON.writeValueAsBytes(body));
        }
        return;
      }
      String resource =
          path.startsWith("/webjars/")
              ? "META-INF/resources" + path
              : "io/poolscope/dashboard/static" + (path.equals("/") ? "/index.html" : path);
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
          return;
        }
        String ext = resource.substring(resource.lastIndexOf('.') + 1);
        send(ex, 200, TYPES.getOrDefault(ext, "application/octet-stream"), in.readAllBytes());
      }
    } catch (RuntimeException e) {
      send(ex, 500, "text/plain", e.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private JsonNode api(String path, String query) throws IOException {
    long now = System.currentTimeMillis();
    switch (path) {
      case "/api/health":
        return JSON.readTree("{\"status\":\"ok\",\"version\":\"fixture\"}");
      case "/api/overview":
        return overview(now);
      case "/api/leaks":
        return times(load("leaks"), now);
      case "/api/alerts":
        return times(load("alerts"), now);
      case "/api/history":
        return history(query, now);
      case "/api/servers":
        return overview(now).get("servers");
      default:
        if (path.startsWith("/api/servers/")) {
          String id = path.substring("/api/servers/".length());
          for (JsonNode s : overview(now).get("servers")) {
            if (s.get("id").asText().equals(id)) {
              return s;
            }
          }
        }
        if (path.startsWith("/api/databases/")) {
          String id = path.substring("/api/databases/".length());
          for (JsonNode db : overview(now).get("databases")) {
            if (db.get("id").asText().equals(id)) {
              ObjectNode detail = (ObjectNode) times(load("database"), now);
              detail.set("database", db);
              for (JsonNode s : overview(now).get("servers")) {
                for (JsonNode t : s.get("targets")) {
                  if (t.asText().equals(id)) {
                    detail.put("server", s.get("id").asText());
                  }
                }
              }
              if (!id.equals(overview(now).get("databases").get(0).get("id").asText())) {
                // The canned fleet belongs to the first database; the others get one pod-less
                // service of their own so no page claims payments' services hold them.
                ArrayNode services = detail.putArray("services");
                services
                    .addObject()
                    .put("name", db.get("namespace").asText() + "-jobs")
                    .put("open", db.get("open").asInt())
                    .put("used", db.get("open").asInt() / 2)
                    .put("idle", db.get("open").asInt() - db.get("open").asInt() / 2)
                    .put("max", db.get("planned").asInt())
                    .put("pending", 0)
                    .putArray("pods");
                detail.putArray("clients");
              }
              return detail;
            }
          }
        }
        return null;
    }
  }

  private JsonNode overview(long now) throws IOException {
    ObjectNode o = (ObjectNode) times(load("overview"), now);
    ObjectNode first = (ObjectNode) o.get("databases").get(0);
    int open = first.get("open").asInt() + openDelta;
    first.put("open", open);
    first.put("utilization", open / first.get("usable").asDouble());
    return o;
  }

  private JsonNode history(String query, long now) {
    long to = now;
    long from = now - 3_600_000;
    if (query != null) {
      for (String kv : query.split("&")) {
        String[] p = kv.split("=", 2);
        if (p[0].equals("from")) from = Long.parseLong(p[1]);
        if (p[0].equals("to")) to = Long.parseLong(p[1]);
      }
    }
    long step = Math.max(60_000, (to - from) / 240);
    ObjectNode h = JSON.createObjectNode();
    h.put("db", "fixture").put("from", from).put("to", to).put("stepSeconds", step / 1000);
    ArrayNode series = h.putArray("series");
    String[] names = {"open", "usable", "planned", "actual", "pending", "waitP99", "useP99"};
    ArrayNode[] pts = new ArrayNode[names.length];
    for (int i = 0; i < names.length; i++) {
      ObjectNode s = series.addObject().put("name", names[i]);
      pts[i] = s.putArray("points");
    }
    for (long t = from - from % step + step; t <= to; t += step) {
      double phase = (t / 60_000.0) / 20.0;
      double open = 38 + 8 * Math.sin(phase) + (t > now - 600_000 ? 6 : 0);
      double[] v = {
        Math.round(open),
        57,
        t > now - 1_800_000 ? 60 : 50,
        Math.round(open) + 3,
        Math.max(0, Math.round(4 * Math.sin(phase * 3) - 2)),
        0.004 + (open > 45 ? 0.2 : 0.01),
        0.12 + 0.05 * Math.sin(phase)
      };
      for (int i = 0; i < names.length; i++) {
        pts[i].addArray().add(t).add(v[i]);
      }
    }
    ArrayNode events = h.putArray("events");
    events
        .addObject()
        .put("time", now - 240_000)
        .put("kind", "alert")
        .put("text", "PoolscopeBudgetHigh firing");
    events
        .addObject()
        .put("time", now - 1_800_000)
        .put("kind", "deploy")
        .put("text", "checkout 1.4.2 -> 1.5.0");
    return h;
  }

  private JsonNode load(String name) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/fixture/" + name + ".json")) {
      return JSON.readTree(in);
    }
  }

  /** Canned times are offsets from now (0 = now, negative = in the past). */
  private static JsonNode times(JsonNode node, long now) {
    if (node instanceof ObjectNode o) {
      for (var it = o.fields(); it.hasNext(); ) {
        var e = it.next();
        if (TIME_FIELDS.contains(e.getKey())
            && e.getValue().isNumber()
            && e.getValue().asLong() <= 0) {
          e.setValue(JSON.getNodeFactory().numberNode(now + e.getValue().asLong()));
        } else {
          times(e.getValue(), now);
        }
      }
    } else if (node instanceof ArrayNode a) {
      a.forEach(n -> times(n, now));
    }
    return node;
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
