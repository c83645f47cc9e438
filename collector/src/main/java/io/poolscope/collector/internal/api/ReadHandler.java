package io.poolscope.collector.internal.api;

import io.javalin.http.Context;
import java.util.Map;
import java.util.function.Supplier;

/** The read API's handlers: parse parameters, call {@link ReadService}, respond. */
public final class ReadHandler {
  private final ReadService read;
  private final Supplier<String> prometheusRules;

  /** Serves from {@code read}; {@code /api/rules/prometheus} then answers 404. */
  public ReadHandler(ReadService read) {
    this(read, null);
  }

  /**
   * Serves from {@code read}, and {@code /api/rules/prometheus} from {@code prometheusRules} (the
   * active rule set as a Prometheus rule file), asked on every request so it follows a reload.
   */
  public ReadHandler(ReadService read, Supplier<String> prometheusRules) {
    this.read = read;
    this.prometheusRules = prometheusRules;
  }

  void overview(Context ctx) {
    json(ctx, "overview", read.overview());
  }

  void database(Context ctx) {
    String id = ctx.pathParam("id");
    json(ctx, "database " + id, read.database(id));
  }

  /** The JSON last written per endpoint, with the object it was written from. */
  private final Map<String, Object[]> written = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Answers {@code value} as JSON, serialized once while {@link ReadService} hands out the same
   * object (it does between two overview computations), so many dashboards cost one serialization.
   */
  private void json(Context ctx, String endpoint, Object value) {
    Object[] last = written.get(endpoint);
    String json;
    if (last != null && last[0] == value) {
      json = (String) last[1];
    } else {
      json = ctx.jsonMapper().toJsonString(value, Object.class);
      if (written.size() > 1000) {
        written.clear(); // ids of targets since forgotten
      }
      written.put(endpoint, new Object[] {value, json});
    }
    ctx.contentType(io.javalin.http.ContentType.APPLICATION_JSON).result(json);
  }

  void servers(Context ctx) {
    ctx.json(read.servers());
  }

  void server(Context ctx) {
    ctx.json(read.server(ctx.pathParam("id")));
  }

  void services(Context ctx) {
    Page page = page(ctx);
    ReadService.Slice slice = read.services(page.offset(), page.limit());
    paged(ctx, page, slice.total());
    ctx.json(slice.items());
  }

  void service(Context ctx) {
    Page page = page(ctx);
    ReadService.Slice slice = read.service(ctx.pathParam("name"), page.offset(), page.limit());
    paged(ctx, page, slice.total());
    ctx.json(slice.items().get(0));
  }

  /**
   * Default and largest page of {@code /api/services} (services) and {@code /api/services/{name}}
   * (pods).
   */
  static final int PAGE_DEFAULT = 100;

  static final int PAGE_MAX = 1000;

  record Page(int offset, int limit) {}

  private static Page page(Context ctx) {
    Long limit = longParam(ctx, "limit");
    Long offset = longParam(ctx, "offset");
    if (limit != null && (limit < 1 || limit > PAGE_MAX)) {
      throw ApiException.badRequest(
          "query parameter limit must be between 1 and " + PAGE_MAX + ", not " + limit);
    }
    if (offset != null && (offset < 0 || offset > Integer.MAX_VALUE)) {
      throw ApiException.badRequest("query parameter offset must be 0 or more, not " + offset);
    }
    return new Page(
        offset == null ? 0 : offset.intValue(), limit == null ? PAGE_DEFAULT : limit.intValue());
  }

  /** {@code X-Total-Count}, and a {@code Link: <...>; rel="next"} while more items follow. */
  private static void paged(Context ctx, Page page, int total) {
    ctx.header("X-Total-Count", Integer.toString(total));
    long next = (long) page.offset() + page.limit();
    if (next < total) {
      ctx.header(
          "Link",
          "<" + ctx.path() + "?offset=" + next + "&limit=" + page.limit() + ">; rel=\"next\"");
    }
  }

  void pod(Context ctx) {
    ctx.json(read.pod(ctx.pathParam("instanceId")));
  }

  void leaks(Context ctx) {
    Long limit = longParam(ctx, "limit");
    if (limit != null && (limit < 1 || limit > 1000)) {
      throw ApiException.badRequest("limit must be between 1 and 1000, not " + limit);
    }
    ctx.json(
        read.leaks(
            ctx.queryParam("db"),
            ctx.queryParam("service"),
            limit == null ? 100 : limit.intValue()));
  }

  void history(Context ctx) {
    String db = ctx.queryParam("db");
    String server = ctx.queryParam("server");
    if ((db == null || db.isBlank()) == (server == null || server.isBlank())) {
      throw ApiException.badRequest("query parameter db or server is required (one of them)");
    }
    Long from = longParam(ctx, "from");
    Long to = longParam(ctx, "to");
    ctx.json(
        db != null && !db.isBlank()
            ? read.history(db, from, to)
            : read.serverHistory(server, from, to));
  }

  void alerts(Context ctx) {
    ctx.json(read.alerts());
  }

  void prometheusRules(Context ctx) {
    if (prometheusRules == null) {
      throw new ApiException(404, "not_found", "alerting is not enabled");
    }
    ctx.contentType("text/yaml; charset=utf-8").result(prometheusRules.get());
  }

  void health(Context ctx) {
    Map<String, Object> h = read.health();
    if (!"ok".equals(h.get("status"))) {
      ctx.status(503); // not ready: a replica without its store serves nothing true
      ctx.header("Retry-After", STORE_RETRY_AFTER);
    }
    ctx.json(h);
  }

  /** Seconds a client waits before asking again while the store is unreachable. */
  static final String STORE_RETRY_AFTER = "5";

  private static Long longParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "query parameter " + name + " must be an integer, not '" + clip(v) + "'");
    }
  }

  private static String clip(String v) {
    return v.length() > 40 ? v.substring(0, 40) + "..." : v;
  }
}
