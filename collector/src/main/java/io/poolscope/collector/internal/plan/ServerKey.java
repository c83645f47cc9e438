package io.poolscope.collector.internal.plan;

import java.util.Locale;

/**
 * A database server, the unit of the budget: host (lower case, as the agent reports {@code
 * server.address}) and port. Every database on it shares its {@code max_connections}.
 */
public record ServerKey(String host, int port) implements Comparable<ServerKey> {

  /** Normalises the host to lower case. */
  public ServerKey {
    host = host.toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code host:port} ({@code [v6]:port} for IPv6).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ServerKey parse(String text) {
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("'" + s + "' is not HOST:PORT");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the port of '" + s + "' is not a number");
    }
    if (port < 1 || port > 65535 || host.isEmpty()) {
      throw new IllegalArgumentException("'" + s + "' is not HOST:PORT");
    }
    return new ServerKey(host, port);
  }

  @Override
  public int compareTo(ServerKey o) {
    int c = host.compareTo(o.host);
    return c != 0 ? c : Integer.compare(port, o.port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
