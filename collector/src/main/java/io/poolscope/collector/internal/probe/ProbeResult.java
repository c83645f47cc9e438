package io.poolscope.collector.internal.probe;

import java.util.List;

/**
 * What a database server said about its own connection limits and use. A failed probe carries its
 * error and no figures, so nothing downstream can mistake a failure for zero connections.
 *
 * <p>Every count leaves out the probe's own session.
 *
 * @param reserved superuser_reserved_connections plus reserved_connections (PostgreSQL 16+)
 * @param actual client connections the database counts, the probe's own session excluded
 * @param clients sessions by application name, user and client address (the original grouping)
 * @param server who the server is and its server-wide limits; null on a failed reading
 * @param databases every database that takes connections, with its own limit and count
 * @param roles every role (PostgreSQL) or account user (MySQL) that can log in, with its own limit
 *     and count
 * @param sessions client sessions by database, role, application name and client address
 */
public record ProbeResult(
    String status,
    String error,
    Long checkedAt,
    Integer maxConnections,
    Integer reserved,
    Integer actual,
    List<Client> clients,
    Server server,
    List<Scope> databases,
    List<Scope> roles,
    List<Session> sessions) {

  /** Copies the lists. */
  public ProbeResult {
    clients = clients == null ? List.of() : List.copyOf(clients);
    databases = databases == null ? List.of() : List.copyOf(databases);
    roles = roles == null ? List.of() : List.copyOf(roles);
    sessions = sessions == null ? List.of() : List.copyOf(sessions);
  }

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

  /**
   * The server itself.
   *
   * @param identity what names this server whichever address it is reached by: PostgreSQL {@code
   *     postgresql:<system_identifier>:<port>}, MySQL {@code mysql:<server_uuid>}, MariaDB (which
   *     has no server_uuid) {@code mariadb:<server_id>@<hostname>:<port>}; null when the monitoring
   *     user may not read it
   * @param maxConnections {@code max_connections}
   * @param superuserReserved PostgreSQL {@code superuser_reserved_connections}, 0 for MySQL (its
   *     one SUPER slot is on top of {@code max_connections})
   * @param reservedConnections PostgreSQL 16+ {@code reserved_connections}; null before 16 and for
   *     MySQL
   * @param maxUserConnections MySQL/MariaDB global {@code max_user_connections} (0: no limit); null
   *     for PostgreSQL
   */
  public record Server(
      String identity,
      int maxConnections,
      int superuserReserved,
      Integer reservedConnections,
      Integer maxUserConnections) {

    /** The slots ordinary users can have: max_connections less every reserved slot. */
    public int usable() {
      return maxConnections
          - superuserReserved
          - (reservedConnections == null ? 0 : reservedConnections);
    }
  }

  /**
   * A database, role or account with the limit the server enforces on it.
   *
   * @param name the database, role or account user name
   * @param limit the connection limit the server applies to it ({@code datconnlimit}, {@code
   *     rolconnlimit}, {@code max_user_connections}); null when it has none (PostgreSQL -1, a
   *     superuser role, MySQL 0)
   * @param count client sessions it has now
   */
  public record Scope(String name, Integer limit, int count) {}

  /**
   * A group of client sessions.
   *
   * @param database the database the sessions are on ({@code ""} when none is selected, MySQL)
   * @param role the database user
   * @param applicationName the name the client gave; null where the database keeps none (MySQL)
   * @param clientAddr the client's address, {@code local} for a Unix socket
   * @param count sessions in the group
   */
  public record Session(
      String database, String role, String applicationName, String clientAddr, int count) {}

  /** No probe configured. */
  public static final ProbeResult NONE =
      new ProbeResult("none", null, null, null, null, null, null, null, null, null, null);

  /** A successful reading with the server-wide figures only. */
  public static ProbeResult ok(
      long at, int maxConnections, int reserved, int actual, List<Client> clients) {
    return new ProbeResult(
        "ok", null, at, maxConnections, reserved, actual, clients, null, null, null, null);
  }

  /** A successful reading with the server, its databases, roles and sessions. */
  public static ProbeResult ok(
      long at,
      Server server,
      int actual,
      List<Client> clients,
      List<Scope> databases,
      List<Scope> roles,
      List<Session> sessions) {
    return new ProbeResult(
        "ok",
        null,
        at,
        server.maxConnections(),
        server.maxConnections() - server.usable(),
        actual,
        clients,
        server,
        databases,
        roles,
        sessions);
  }

  /** A failed reading. */
  public static ProbeResult failed(long at, String error) {
    return new ProbeResult("failed", error, at, null, null, null, null, null, null, null, null);
  }

  /** Whether the figures are present. */
  public boolean isOk() {
    return "ok".equals(status);
  }
}
