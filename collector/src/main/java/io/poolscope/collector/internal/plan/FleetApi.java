package io.poolscope.collector.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the plan reads from a collector, in one place: {@code GET /api/overview} for the
 * database targets and their limits, {@code GET /api/databases/{id}} for the services, pods and
 * pools on each (collector/API.md). Targets on one host and port are one server.
 */
public final class FleetApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the API's JSON comes from: over HTTP, or from the collector's own read service. */
  public interface Source {
    /** {@code GET /api/overview}. */
    JsonNode overview();

    /** {@code GET /api/databases/{id}}. */
    JsonNode database(String id);
  }

  private FleetApi() {}

  /**
   * A collector over HTTP at {@code baseUrl}, with {@code token} (the collector's {@code
   * api.token}; null for none) as the bearer token.
   */
  public static Source http(String baseUrl, String token) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    URI check;
    try {
      check = URI.create(base + "/api/overview");
      if (check.getHost() == null
          || !("http".equals(check.getScheme()) || "https".equals(check.getScheme()))) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new PlanInputException(
          "--collector", "'" + baseUrl + "' is not an http(s) URL like http://collector:4318");
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    return new Source() {
      @Override
      public JsonNode overview() {
        return get("/api/overview");
      }

      @Override
      public JsonNode database(String id) {
        return get("/api/databases/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
      }

      private JsonNode get(String path) {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (token != null && !token.isEmpty()) {
          b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> r;
        try {
          r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
          throw new PlanInputException(
              "--collector", "cannot reach " + base + path + ": " + describe(e));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PlanInputException("--collector", "interrupted reading " + base + path);
        }
        JsonNode body;
        try {
          body = JSON.readTree(r.body());
        } catch (IOException e) {
          body = null;
        }
        if (r.statusCode() != 200 || body == null) {
          String message = body != null ? body.path("message").asText("") : "";
          throw new PlanInputException(
              "--collector",
              "GET "
                  + base
                  + path
                  + " answered "
                  + r.statusCode()
                  + (message.isEmpty() ? "" : ": " + message)
                  + (r.statusCode() == 401 ? " (set POOLSCOPE_API_TOKEN)" : ""));
        }
        return body;
      }
    };
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer in time";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** The live fleet per server, stale pods and pools left out. */
  public static LiveFleet read(Source source) {
    Map<ServerKey, String> systems = new TreeMap<>();
    Map<ServerKey, Limit> limits = new TreeMap<>();
    Map<ServerKey, Map<String, Map<String, List<LiveFleet.Pool>>>> pods = new TreeMap<>();
    for (JsonNode db : source.overview().path("databases")) {
      String address = db.path("address").asText("");
      int port = db.path("port").asInt(0);
      if (address.isEmpty() || port <= 0) {
        continue;
      }
      ServerKey key = new ServerKey(address, port);
      systems.putIfAbsent(key, db.path("system").asText(""));
      if (db.hasNonNull("maxConnections")) {
        Limit l =
            new Limit(
                db.get("maxConnections").asInt(),
                db.path("reserved").asInt(0),
                db.path("limitSource").asText("collector"));
        // Targets of one server should agree; where they do not, the tighter one decides.
        limits.merge(key, l, (a, b) -> b.usable() < a.usable() ? b : a);
      }
      Map<String, Map<String, List<LiveFleet.Pool>>> services =
          pods.computeIfAbsent(key, k -> new TreeMap<>());
      for (JsonNode svc : source.database(db.path("id").asText()).path("services")) {
        Map<String, List<LiveFleet.Pool>> byPod =
            services.computeIfAbsent(svc.path("name").asText(), k -> new LinkedHashMap<>());
        for (JsonNode pod : svc.path("pods")) {
          if (pod.path("stale").asBoolean(false)) {
            continue;
          }
          String name = pod.path("podName").asText("");
          if (name.isEmpty()) {
            name = pod.path("instanceId").asText();
          }
          List<LiveFleet.Pool> pools = byPod.computeIfAbsent(name, k -> new ArrayList<>());
          for (JsonNode pool : pod.path("pools")) {
            if (!pool.path("stale").asBoolean(false) && pool.hasNonNull("max")) {
              pools.add(new LiveFleet.Pool(pool.path("name").asText(), pool.get("max").asInt()));
            }
          }
        }
      }
    }
    Map<ServerKey, LiveFleet.Server> out = new TreeMap<>();
    pods.forEach(
        (key, services) -> {
          Map<String, List<LiveFleet.Pod>> svc = new TreeMap<>();
          services.forEach(
              (name, byPod) -> {
                List<LiveFleet.Pod> list = new ArrayList<>();
                byPod.forEach(
                    (pod, pools) -> {
                      if (!pools.isEmpty()) {
                        list.add(new LiveFleet.Pod(pod, List.copyOf(pools)));
                      }
                    });
                if (!list.isEmpty()) {
                  svc.put(name, List.copyOf(list));
                }
              });
          out.put(key, new LiveFleet.Server(key, systems.get(key), limits.get(key), svc));
        });
    return new LiveFleet(out);
  }
}
