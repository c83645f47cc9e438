package io.poolscope.collector.internal.api;

import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.path;
import static io.javalin.apibuilder.ApiBuilder.post;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.poolscope.collector.internal.store.StoreException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: every route in one place, one error shape for every failure, and the dashboard
 * served from the classpath when its assets are present.
 */
public final class ApiServer {
  /** Where the dashboard module packages its static files. */
  public static final String DASHBOARD_ASSETS = "io/poolscope/dashboard/static";

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final java.util.concurrent.atomic.AtomicLong lastStoreWarning =
      new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE / 2);

  private ApiServer() {}

  /** Creates (does not start) the server. */
  public static Javalin create(
      IngestHandler ingest,
      ReadHandler read,
      PlanHandler plan,
      EventsHub events,
      Supplier<String> prometheus,
      AccessControl access,
      Duration bodyReadTimeout) {
    boolean dashboard = ApiServer.class.getClassLoader().getResource(DASHBOARD_ASSETS) != null;
    Javalin app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.startupWatcherEnabled = false;
              // Jetty's header cache matches values case-insensitively by default: after one
              // request with the right token, "Bearer S3CRET" would be read back as the cached
              // "Bearer s3cret" on the same connection. Exact values, always.
              // A blocked read of a request body (a client that announced a body and stopped
              // sending) ends after bodyReadTimeout instead of holding its thread for the
              // connector's idle timeout.
              config.jetty.modifyHttpConfiguration(
                  h -> {
                    h.setHeaderCacheCaseSensitive(true);
                    h.setIdleTimeout(bodyReadTimeout.toMillis());
                  });
              // Requests Jetty rejects itself (414, 431, unparseable ones) get the JSON error
              // shape too, not Jetty's HTML page.
              config.jetty.modifyServer(s -> s.setErrorHandler(new JsonErrorHandler()));
              config.jetty.modifyServletContextHandler(
                  h -> h.setErrorHandler(new JsonErrorHandler()));
              if (dashboard) {
                config.staticFiles.add(
                    s -> {
                      s.hostedPath = "/";
                      s.directory = "/" + DASHBOARD_ASSETS;
                      s.location = Location.CLASSPATH;
                    });
              } else {
                LOG.info("dashboard assets not on the classpath; serving the API only");
              }
              // Javalin refuses to start with webjars enabled and none on the classpath.
              if (ApiServer.class.getClassLoader().getResource("META-INF/resources/webjars")
                  != null) {
                config.staticFiles.enableWebjars();
              }
              config.router.apiBuilder(
                  () -> {
                    post("/v1/metrics", ingest::metrics);
                    post("/v1/logs", ingest::logs);
                    path(
                        "/api",
                        () -> {
                          get("overview", read::overview);
                          get("servers", read::servers);
                          get("servers/{id}", read::server);
                          get("databases/{id}", read::database);
                          get("services", read::services);
                          get("services/{name}", read::service);
                          get("pods/{instanceId}", read::pod);
                          get("leaks", read::leaks);
                          get("history", read::history);
                          get("alerts", read::alerts);
                          get("rules/prometheus", read::prometheusRules);
                          post("plan", plan::plan);
                          get("health", read::health);
                          get("events", events::handle);
                        });
                    get(
                        "/metrics",
                        ctx ->
                            ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                                .result(prometheus.get()));
                  });
            });
    access.install(app);
    app.exception(
        ApiException.class, (e, ctx) -> error(ctx, e.status(), e.error(), e.getMessage()));
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> error(ctx, e.getStatus(), code(e.getStatus()), e.getMessage()));
    app.exception(
        StoreException.class,
        (e, ctx) -> {
          long now = System.currentTimeMillis();
          long last = lastStoreWarning.get();
          // During an outage every request fails alike: one line a minute says so.
          if (now - last >= 60_000 && lastStoreWarning.compareAndSet(last, now)) {
            LOG.warn("store unavailable (answering 503): {}", e.getMessage());
          }
          ctx.header("Retry-After", ReadHandler.STORE_RETRY_AFTER);
          error(ctx, 503, "store_unavailable", "the store is unavailable; retry later");
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
          error(ctx, 500, "internal_error", "internal error; see the collector's log");
        });
    app.error(
        404,
        ctx -> {
          if (isApi(ctx) && ctx.result() == null) {
            error(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path());
          }
        });
    app.error(
        405,
        ctx -> {
          if (isApi(ctx)) {
            error(
                ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path());
          }
        });
    return app;
  }

  static String code(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "request_header_fields_too_large";
      case 501 -> "not_implemented";
      case 505 -> "http_version_not_supported";
      default -> "http_" + status;
    };
  }

  private static boolean isApi(Context ctx) {
    return ctx.path().startsWith("/api/") || ctx.path().startsWith("/v1/");
  }

  private static void error(Context ctx, int status, String error, String message) {
    ctx.status(status).contentType("application/json").result(ErrorJson.of(status, error, message));
    if (status == 401 && ctx.res().getHeader("WWW-Authenticate") == null) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
  }
}
