package io.poolscope.collector.internal.probe;

import java.util.List;

/**
 * What a database said about its own connection limit and use. A failed probe carries its error and
 * no figures, so nothing downstream can mistake a failure for zero connections.
 *
 * @param reserved superuser_reserved_connections plus reserved_connections (PostgreSQL 16+)
 * @param actual client connections the database counts, the probe's own session excluded
 */
public record ProbeResult(
    String status,
    String error,
    Long checkedAt,
    Integer maxConnections,
    Integer reserved,
    Integer actual,
    List<Client> clients) {

  /**
   * One group of sessions the database lists ({@code pg_stat_activity}, MySQL's processlist).
   *
   * @param applicationName the name the client gave (PostgreSQL), null where the database keeps
   *     none (MySQL)
   * @param user the database user
   * @param clientAddr the client's address, {@code local} for a Unix socket
   * @param count sessions in the group
   */
  public record Client(String applicationName, String user, String clientAddr, int count) {}

  /** No probe configured. */
  public static final ProbeResult NONE =
      new ProbeResult("none", null, null, null, null, null, List.of());

  /** A successful reading. */
  public static ProbeResult ok(
      long at, int maxConnections, int reserved, int actual, List<Client> clients) {
    return new ProbeResult("ok", null, at, maxConnections, reserved, actual, List.copyOf(clients));
  }

  /** A failed reading. */
  public static ProbeResult failed(long at, String error) {
    return new ProbeResult("failed", error, at, null, null, null, List.of());
  }

  /** Whether the figures are present. */
  public boolean isOk() {
    return "ok".equals(status);
  }
}
