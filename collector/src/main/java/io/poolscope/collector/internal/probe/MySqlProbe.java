package io.poolscope.collector.internal.probe;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MySQL and MariaDB: {@code max_connections} (the one extra slot for SUPER or CONNECTION ADMIN is
 * on top of it, so nothing is reserved below it), {@code Threads_connected} less the probe's own
 * connection, the server's identity, {@code max_user_connections} (global, and per account where
 * {@code mysql.user} is readable) and the processlist by user, database and client host. MySQL has
 * no application name. The monitoring user needs PROCESS to see other users' sessions, and SELECT
 * on {@code mysql.user} for per-account limits (without it every account shows the global limit).
 * Tested on MariaDB 10.11 (MySqlProbeTest).
 *
 * <p>Identity: MySQL's {@code @@server_uuid}. MariaDB has no server_uuid; its identity is
 * {@code @@server_id}, {@code @@hostname} and {@code @@port} together ({@code
 * mariadb:<server_id>@<hostname>:<port>}): replicas must have distinct server_ids, and the host
 * name and port tell apart unreplicated servers left at the default server_id of 1.
 */
final class MySqlProbe implements DatabaseProbe {

  @Override
  public ProbeResult read(Connection c, int timeoutSeconds, long now) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds);
      int max;
      int maxUser;
      String identity;
      try (ResultSet rs =
          s.executeQuery(
              "select @@max_connections, @@global.max_user_connections, version(),"
                  + " @@server_id, @@hostname, @@port")) {
        rs.next();
        max = rs.getInt(1);
        maxUser = rs.getInt(2);
        boolean mariaDb = rs.getString(3).toLowerCase(java.util.Locale.ROOT).contains("mariadb");
        identity =
            mariaDb
                ? "mariadb:" + rs.getString(4) + "@" + rs.getString(5) + ":" + rs.getString(6)
                : null;
      }
      if (identity == null) {
        try (ResultSet rs = s.executeQuery("select @@server_uuid")) {
          rs.next();
          identity = "mysql:" + rs.getString(1);
        }
      }
      int connected;
      try (ResultSet rs = s.executeQuery("show global status like 'Threads_connected'")) {
        rs.next();
        connected = Integer.parseInt(rs.getString(2));
      }
      List<ProbeResult.Session> sessions = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "select user, coalesce(db, ''), substring_index(host, ':', 1), count(*)"
                  + " from information_schema.processlist"
                  + " where id <> connection_id() and command <> 'Daemon'"
                  + " group by 1, 2, 3 order by 4 desc, 1, 2, 3")) {
        while (rs.next()) {
          // MySQL keeps no application name per session: the user is what tells clients apart.
          sessions.add(
              new ProbeResult.Session(
                  rs.getString(2), rs.getString(1), null, rs.getString(3), rs.getInt(4)));
        }
      } catch (SQLException e) {
        // Only the figures then; they are what the budget needs. (Without PROCESS there is no
        // error: the list holds just the probe's own session, so it comes back empty too.)
        sessions.clear();
      }
      Map<String, Integer> accountLimits = accountLimits(s);
      ProbeResult.Server server = new ProbeResult.Server(identity, max, 0, null, maxUser);
      return ProbeResult.ok(
          now,
          server,
          Math.max(0, connected - 1),
          Clients.of(sessions),
          byCount(sessions, ProbeResult.Session::database, Map.of(), null),
          byCount(sessions, ProbeResult.Session::role, accountLimits, maxUser > 0 ? maxUser : null),
          sessions);
    }
  }

  /**
   * Per user name, the smallest positive {@code max_user_connections} of its accounts, and 0 for a
   * user whose accounts set none (the global limit applies); empty when {@code mysql.user} is not
   * readable.
   */
  private static Map<String, Integer> accountLimits(Statement s) {
    Map<String, Integer> out = new HashMap<>();
    try (ResultSet rs =
        s.executeQuery("select user, max_user_connections from mysql.user where user <> ''")) {
      while (rs.next()) {
        int limit = rs.getInt(2);
        out.merge(
            rs.getString(1),
            Math.max(0, limit),
            (a, b) -> a == 0 ? b : b == 0 ? a : Math.min(a, b));
      }
    } catch (SQLException e) {
      // No SELECT on mysql.user: every account is shown under the global limit only.
      out.clear();
    }
    return out;
  }

  /**
   * Rows per name with their session count; for users, every readable account too (with 0 when it
   * has no session) and the limit the server applies to it: its own, else the global one.
   */
  private static List<ProbeResult.Scope> byCount(
      List<ProbeResult.Session> sessions,
      java.util.function.Function<ProbeResult.Session, String> name,
      Map<String, Integer> limits,
      Integer global) {
    Map<String, Integer> counts = new TreeMap<>();
    limits.keySet().forEach(u -> counts.put(u, 0));
    for (ProbeResult.Session s : sessions) {
      counts.merge(name.apply(s), s.count(), Integer::sum);
    }
    List<ProbeResult.Scope> out = new ArrayList<>();
    counts.forEach(
        (n, c) -> {
          Integer own = limits.get(n);
          out.add(new ProbeResult.Scope(n, own != null && own > 0 ? own : global, c));
        });
    return out;
  }
}
