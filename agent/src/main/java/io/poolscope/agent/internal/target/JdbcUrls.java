package io.poolscope.agent.internal.target;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JDBC URL to {@link DbTarget}. Only host, port and database name survive; the raw URL never leaves
 * this class. Parsing happens on physical opens and at export, never per lease.
 */
public final class JdbcUrls {

  private static final int MAX_CACHE = 256;
  private static final ConcurrentHashMap<String, DbTarget> CACHE = new ConcurrentHashMap<>();

  private JdbcUrls() {}

  /**
   * Parses a JDBC URL.
   *
   * @param url the URL, may be null
   * @return the target, {@link DbTarget#UNKNOWN} when the URL is null or not JDBC
   */
  public static DbTarget parse(String url) {
    if (url == null) {
      return DbTarget.UNKNOWN;
    }
    DbTarget t = CACHE.get(url);
    if (t == null) {
      try {
        t = doParse(url.trim());
      } catch (RuntimeException e) {
        t = DbTarget.UNKNOWN;
      }
      if (CACHE.size() < MAX_CACHE) {
        CACHE.put(url, t);
      }
    }
    return t;
  }

  private static DbTarget doParse(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:")) {
      return DbTarget.UNKNOWN;
    }
    String rest = url.substring(5);
    // Wrapping drivers (p6spy, tracing drivers) put the real URL after their own prefix.
    for (String wrapper : new String[] {"p6spy:", "otel:", "log4jdbc:", "tracing:"}) {
      if (rest.toLowerCase(Locale.ROOT).startsWith(wrapper)) {
        return doParse("jdbc:" + rest.substring(wrapper.length()));
      }
    }
    int colon = rest.indexOf(':');
    String sub = (colon < 0 ? rest : rest.substring(0, colon)).toLowerCase(Locale.ROOT);
    String body = colon < 0 ? "" : rest.substring(colon + 1);
    switch (sub) {
      case "postgresql":
      case "pgsql":
        return hostPortDb("postgresql", body, 5432, '?');
      case "mysql":
        return hostPortDb("mysql", stripSubProtocol(body), 3306, '?');
      case "mariadb":
        return hostPortDb("mariadb", stripSubProtocol(body), 3306, '?');
      case "h2":
        return h2(body);
      case "oracle":
        return oracle(body);
      case "sqlserver":
        return sqlServer(body);
      case "hsqldb":
        return embeddedOrServer("hsqldb", body, 9001);
      case "derby":
        return embeddedOrServer("derby", body, 1527);
      case "sqlite":
        return new DbTarget("sqlite", null, -1, lastSegment(cut(body, '?')));
      case "db2":
        return hostPortDb("ibm.db2", body, 50000, ':');
      default:
        return hostPortDb(sub, body, -1, '?');
    }
  }

  private static String stripSubProtocol(String body) {
    // jdbc:mysql:loadbalance://..., jdbc:mysql:replication://...
    int slashes = body.indexOf("//");
    return slashes > 0 ? body.substring(slashes) : body;
  }

  private static String cut(String s, char c) {
    int i = s.indexOf(c);
    return i < 0 ? s : s.substring(0, i);
  }

  /** {@code //host:port,host2/db?params}: the first host names the target. */
  private static DbTarget hostPortDb(String system, String body, int defPort, char paramSep) {
    String b = cut(cut(body, paramSep), ';');
    if (!b.startsWith("//")) {
      // jdbc:postgresql:dbname connects to localhost.
      String db = b.isEmpty() ? null : b;
      return new DbTarget(system, defPort < 0 ? null : "localhost", defPort, db);
    }
    b = b.substring(2);
    int slash = b.indexOf('/');
    String hosts = slash < 0 ? b : b.substring(0, slash);
    String db = slash < 0 ? null : b.substring(slash + 1);
    if (db != null && db.isEmpty()) {
      db = null;
    }
    String host = cut(hosts, ',');
    int at = host.lastIndexOf('@');
    if (at >= 0) {
      host = host.substring(at + 1);
    }
    return hostPort(system, host, defPort, db);
  }

  private static DbTarget hostPort(String system, String host, int defPort, String db) {
    int port = defPort;
    String h = host;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      String after = h.substring(end + 1);
      h = h.substring(1, end);
      if (after.startsWith(":")) {
        port = Integer.parseInt(after.substring(1));
      }
    } else {
      int c = h.lastIndexOf(':');
      if (c >= 0) {
        String p = h.substring(c + 1);
        h = h.substring(0, c);
        if (!p.isEmpty()) {
          port = Integer.parseInt(p);
        }
      }
    }
    if (h.isEmpty()) {
      h = "localhost";
    }
    return new DbTarget(system, h.toLowerCase(Locale.ROOT), port, db);
  }

  private static DbTarget h2(String body) {
    String b = cut(body, ';');
    String lower = b.toLowerCase(Locale.ROOT);
    if (lower.startsWith("tcp:") || lower.startsWith("ssl:")) {
      return hostPortDb("h2", b.substring(4), 9092, '?');
    }
    if (lower.startsWith("mem:")) {
      String name = b.substring(4);
      return new DbTarget("h2", null, -1, name.isEmpty() ? null : name);
    }
    if (lower.startsWith("file:")) {
      b = b.substring(5);
    } else if (lower.startsWith("zip:") || lower.startsWith("split:")) {
      b = b.substring(b.indexOf(':') + 1);
    }
    return new DbTarget("h2", null, -1, lastSegment(b));
  }

  private static String lastSegment(String path) {
    String p = path.replace('\\', '/');
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    int i = p.lastIndexOf('/');
    String s = i < 0 ? p : p.substring(i + 1);
    return s.isEmpty() ? null : s;
  }

  private static DbTarget embeddedOrServer(String system, String body, int defPort) {
    String b = cut(body, ';');
    String lower = b.toLowerCase(Locale.ROOT);
    if (lower.startsWith("hsql:") || lower.startsWith("hsqls:")) {
      return hostPortDb(system, b.substring(b.indexOf(':') + 1), defPort, '?');
    }
    if (b.startsWith("//")) {
      return hostPortDb(system, b, defPort, '?');
    }
    int c = b.indexOf(':');
    return new DbTarget(system, null, -1, lastSegment(c >= 0 ? b.substring(c + 1) : b));
  }

  private static DbTarget oracle(String body) {
    // thin:@host:port:SID, thin:@//host:port/service, thin:user/pass@host...,
    // thin:@(DESCRIPTION=...)
    int at = body.indexOf('@');
    String b = at >= 0 ? body.substring(at + 1) : body.substring(body.indexOf(':') + 1);
    b = cut(b, '?');
    if (b.startsWith("(")) {
      String up = b.toUpperCase(Locale.ROOT).replace(" ", "");
      String host = value(b.replace(" ", ""), up, "(HOST=");
      String port = value(b.replace(" ", ""), up, "(PORT=");
      String svc = value(b.replace(" ", ""), up, "(SERVICE_NAME=");
      if (svc == null) {
        svc = value(b.replace(" ", ""), up, "(SID=");
      }
      return new DbTarget(
          "oracle.db",
          host == null ? null : host.toLowerCase(Locale.ROOT),
          port == null ? 1521 : Integer.parseInt(port),
          svc);
    }
    if (b.startsWith("//")) {
      return hostPortDb("oracle.db", b, 1521, '?');
    }
    String[] parts = b.split(":");
    if (parts.length >= 3) {
      return new DbTarget(
          "oracle.db", parts[0].toLowerCase(Locale.ROOT), Integer.parseInt(parts[1]), parts[2]);
    }
    return hostPortDb("oracle.db", "//" + b, 1521, '?');
  }

  private static String value(String raw, String upper, String key) {
    int i = upper.indexOf(key);
    if (i < 0) {
      return null;
    }
    int start = i + key.length();
    int end = upper.indexOf(')', start);
    return raw.substring(start, end);
  }

  private static DbTarget sqlServer(String body) {
    String b = body.startsWith("//") ? body.substring(2) : body;
    String hostPart = cut(b, ';');
    String db = null;
    for (String prop : b.split(";")) {
      int eq = prop.indexOf('=');
      if (eq > 0) {
        String k = prop.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        if (k.equals("databasename") || k.equals("database")) {
          db = prop.substring(eq + 1).trim();
        }
      }
    }
    String host = hostPart;
    int backslash = host.indexOf('\\');
    String instancePort = null;
    if (backslash >= 0) {
      String inst = host.substring(backslash + 1);
      host = host.substring(0, backslash);
      int c = inst.indexOf(':');
      if (c >= 0) {
        instancePort = inst.substring(c + 1);
      }
    }
    DbTarget t = hostPort("microsoft.sql_server", host, 1433, db);
    if (instancePort != null) {
      return new DbTarget(t.system(), t.address(), Integer.parseInt(instancePort), db);
    }
    return t;
  }
}
