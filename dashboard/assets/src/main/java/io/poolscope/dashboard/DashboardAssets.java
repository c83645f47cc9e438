package io.poolscope.dashboard;

/**
 * Where the dashboard's static files sit on the classpath, so the collector can serve them at
 * {@code /} without repeating a string that only this module may change.
 *
 * <p>The page also loads Chart.js from {@code /webjars/chart.js/...}, so the server must expose
 * WebJars (Javalin: {@code config.staticFiles.enableWebjars()}).
 */
public final class DashboardAssets {

  /** Classpath folder holding {@code index.html}, {@code js/} and {@code css/}. */
  public static final String CLASSPATH_DIRECTORY = "/io/poolscope/dashboard/static";

  private DashboardAssets() {}
}
