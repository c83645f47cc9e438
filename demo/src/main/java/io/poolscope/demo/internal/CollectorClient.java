package io.poolscope.demo.internal;

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

/**
 * The collector's read API (collector/API.md) as the demo and its tests use it: plain HTTP GETs
 * returning JSON trees, exactly what the dashboard sees.
 */
public final class CollectorClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * A client of one collector.
   *
   * @param base e.g. {@code http://127.0.0.1:4318}
   */
  public CollectorClient(URI base) {
    this.base = base;
  }

  /**
   * GETs a path and parses the JSON answer.
   *
   * @param path e.g. {@code /api/overview}
   * @return the parsed body
   * @throws IOException on a transport error or a status other than 200 (the message carries the
   *     status and body)
   */
  public JsonNode get(String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling " + path, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /**
   * {@code GET /api/overview}.
   *
   * @return the overview
   * @throws IOException as {@link #get(String)}
   */
  public JsonNode overview() throws IOException {
    return get("/api/overview");
  }

  /**
   * The overview entry of one database target.
   *
   * @param id the target id
   * @return the entry, or a missing node when the collector does not know the target yet
   * @throws IOException as {@link #get(String)}
   */
  public JsonNode database(String id) throws IOException {
    for (JsonNode database : overview().path("databases")) {
      if (id.equals(database.path("id").asText())) {
        return database;
      }
    }
    return JSON.missingNode();
  }

  /**
   * {@code GET /api/alerts}.
   *
   * @return active alerts and history
   * @throws IOException as {@link #get(String)}
   */
  public JsonNode alerts() throws IOException {
    return get("/api/alerts");
  }

  /**
   * {@code GET /api/services/{name}}.
   *
   * @param name the service
   * @return the service with its pods
   * @throws IOException as {@link #get(String)} (404 for a service not seen yet)
   */
  public JsonNode service(String name) throws IOException {
    return get("/api/services/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
  }

  /**
   * {@code GET /api/leaks?db=...&limit=...}.
   *
   * @param databaseId the target id
   * @param limit at most this many (the API's maximum is 1000)
   * @return leak events, newest first
   * @throws IOException as {@link #get(String)}
   */
  public JsonNode leaks(String databaseId, int limit) throws IOException {
    return get(
        "/api/leaks?db="
            + URLEncoder.encode(databaseId, StandardCharsets.UTF_8)
            + "&limit="
            + limit);
  }

  /**
   * {@code GET /api/databases/{id}}.
   *
   * @param id the target id
   * @return the target with the fleet using it and the probe's clients
   * @throws IOException as {@link #get(String)}
   */
  public JsonNode databaseDetail(String id) throws IOException {
    return get("/api/databases/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
  }
}
