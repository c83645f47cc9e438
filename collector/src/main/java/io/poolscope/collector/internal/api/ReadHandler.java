package io.poolscope.collector.internal.api;

import io.javalin.http.Context;

/** The read API's handlers: parse parameters, call {@link ReadService}, respond. */
public final class ReadHandler {
  private final ReadService read;

  /** Serves from {@code read}. */
  public ReadHandler(ReadService read) {
    this.read = read;
  }

  void overview(Context ctx) {
    ctx.json(read.overview());
  }

  void database(Context ctx) {
    ctx.json(read.database(ctx.pathParam("id")));
  }

  void services(Context ctx) {
    ctx.json(read.services());
  }

  void service(Context ctx) {
    ctx.json(read.service(ctx.pathParam("name")));
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
    if (db == null || db.isBlank()) {
      throw ApiException.badRequest("query parameter db is required");
    }
    ctx.json(read.history(db, longParam(ctx, "from"), longParam(ctx, "to")));
  }

  void alerts(Context ctx) {
    ctx.json(read.alerts());
  }

  void health(Context ctx) {
    ctx.json(read.health());
  }

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
