package io.poolscope.collector.internal.server;

import java.util.Locale;

/**
 * A host and port a server is reached at, as written (an agent's {@code server.address} and {@code
 * server.port}, a probe URL's authority, an alias). Host names are compared without case.
 *
 * @param host the host name or address literal, lower case, IPv6 without brackets
 * @param port the port; 0 when not given (an alias that matches any port of its host)
 */
public record Endpoint(String host, int port) {

  /** Normalises the host. */
  public Endpoint {
    host = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
  }

  /**
   * Parses {@code host}, {@code host:port} or {@code [v6]:port}.
   *
   * @throws IllegalArgumentException with the reason, when the text is not one of those
   */
  public static Endpoint parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("an empty host");
    }
    String host = t;
    String port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("an IPv6 address without its closing ']'");
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("text after the IPv6 address that is not ':port'");
        }
        port = rest.substring(1);
      }
    } else if (t.indexOf(':') != t.lastIndexOf(':')) {
      host = t; // a bare IPv6 address: no port
    } else if (t.indexOf(':') >= 0) {
      host = t.substring(0, t.indexOf(':'));
      port = t.substring(t.indexOf(':') + 1);
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c == '/' || c == '@' || c <= ' ')) {
      throw new IllegalArgumentException("not a host name or address");
    }
    int p = 0;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("port '" + port + "' is not 1-65535");
      }
    }
    return new Endpoint(host, p);
  }

  /**
   * The host and port of a JDBC URL ({@code jdbc:postgresql://host:port/db}, {@code
   * jdbc:mariadb://host/db}), the default port of its system when none is written; null when the
   * URL names no host.
   */
  public static Endpoint ofJdbcUrl(String url) {
    if (url == null) {
      return null;
    }
    int slashes = url.indexOf("//");
    if (slashes < 0) {
      return null;
    }
    int end = slashes + 2;
    while (end < url.length() && "/?;,".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(slashes + 2, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    if (authority.isEmpty()) {
      return null;
    }
    try {
      Endpoint e = parse(authority);
      return e.port() == 0 ? new Endpoint(e.host(), defaultPort(system(url))) : e;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code postgresql}, {@code mysql} or {@code mariadb} of a JDBC URL, else its sub-protocol. */
  static String system(String url) {
    String rest = url.startsWith("jdbc:") ? url.substring(5) : url;
    int colon = rest.indexOf(':');
    String sub = (colon < 0 ? rest : rest.substring(0, colon)).toLowerCase(Locale.ROOT);
    return sub.equals("pgsql") ? "postgresql" : sub;
  }

  /** The port a system listens on when none is given; 0 when unknown. */
  static int defaultPort(String system) {
    return switch (system == null ? "" : system) {
      case "postgresql" -> 5432;
      case "mysql", "mariadb" -> 3306;
      default -> 0;
    };
  }

  @Override
  public String toString() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == 0 ? h : h + ":" + port;
  }
}
