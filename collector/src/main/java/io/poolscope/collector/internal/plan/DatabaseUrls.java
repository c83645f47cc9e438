package io.poolscope.collector.internal.plan;

import java.util.Locale;

/**
 * The server a database URL connects to, read the way the agent reads it (first host of a list,
 * user info dropped, host in lower case), so a manifest's server matches the fleet's. Only
 * PostgreSQL, MySQL and MariaDB: the servers a probe can read limits from.
 */
final class DatabaseUrls {
  private DatabaseUrls() {}

  /** A server and its system ({@code postgresql}, {@code mysql}, {@code mariadb}). */
  record Server(String system, ServerKey key) {}

  /** The server of {@code url}, or null when the URL is not one of the supported kinds. */
  static Server parse(String url) {
    String s = url.trim();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:")) {
      s = s.substring(5);
      lower = lower.substring(5);
      for (String wrapper : new String[] {"p6spy:", "otel:", "log4jdbc:", "tracing:"}) {
        if (lower.startsWith(wrapper)) {
          s = s.substring(wrapper.length());
          lower = lower.substring(wrapper.length());
        }
      }
    }
    int colon = lower.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String system =
        switch (lower.substring(0, colon)) {
          case "postgresql", "postgres", "pgsql" -> "postgresql";
          case "mysql" -> "mysql";
          case "mariadb" -> "mariadb";
          default -> null;
        };
    if (system == null) {
      return null;
    }
    int port = "postgresql".equals(system) ? 5432 : 3306;
    String body = s.substring(colon + 1);
    int slashes = body.indexOf("//");
    if (slashes < 0) {
      // jdbc:postgresql:dbname connects to localhost.
      return new Server(system, new ServerKey("localhost", port));
    }
    // jdbc:mysql:loadbalance://... keeps its hosts after the sub-protocol.
    body = body.substring(slashes + 2);
    int end = body.length();
    for (char c : new char[] {'/', '?', ';', ','}) {
      int i = body.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String host = body.substring(0, end);
    host = host.substring(host.lastIndexOf('@') + 1);
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return null;
      }
      String after = host.substring(close + 1);
      host = host.substring(1, close);
      if (after.startsWith(":")) {
        port = port(after.substring(1));
      }
    } else {
      int c = host.lastIndexOf(':');
      if (c >= 0) {
        String p = host.substring(c + 1);
        host = host.substring(0, c);
        if (!p.isEmpty()) {
          port = port(p);
        }
      }
    }
    if (port < 1 || host.contains("$(")) {
      return null;
    }
    return new Server(system, new ServerKey(host.isEmpty() ? "localhost" : host, port));
  }

  private static int port(String p) {
    try {
      int v = Integer.parseInt(p);
      return v <= 65535 ? v : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
