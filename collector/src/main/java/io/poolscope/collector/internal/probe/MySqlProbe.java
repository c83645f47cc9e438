package io.poolscope.collector.internal.probe;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * MySQL and MariaDB: {@code max_connections} (the one extra slot for SUPER or CONNECTION ADMIN is
 * on top of it, so nothing is reserved below it) and {@code Threads_connected}, less the probe's
 * own connection. Clients are grouped by user and host, as MySQL has no application name; the
 * monitoring user needs PROCESS to see other users' sessions. Tested on MariaDB 10.11
 * (MySqlProbeTest).
 */
final class MySqlProbe implements DatabaseProbe {

  @Override
  public ProbeResult read(Connection c, int timeoutSeconds, long now) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds);
      int max;
      try (ResultSet rs = s.executeQuery("select @@max_connections")) {
        rs.next();
        max = rs.getInt(1);
      }
      int connected;
      try (ResultSet rs = s.executeQuery("show global status like 'Threads_connected'")) {
        rs.next();
        connected = Integer.parseInt(rs.getString(2));
      }
      List<ProbeResult.Client> clients = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "select user, substring_index(host, ':', 1), count(*)"
                  + " from information_schema.processlist"
                  + " where id <> connection_id() and command <> 'Daemon'"
                  + " group by 1, 2 order by 3 desc")) {
        while (rs.next()) {
          // MySQL keeps no application name per session: the user is what tells clients apart.
          clients.add(new ProbeResult.Client(null, rs.getString(1), rs.getString(2), rs.getInt(3)));
        }
      } catch (SQLException e) {
        // Only the figures then; they are what the budget needs. (Without PROCESS there is no
        // error: the list holds just the probe's own session, so it comes back empty too.)
        clients.clear();
      }
      return ProbeResult.ok(now, max, 0, Math.max(0, connected - 1), clients);
    }
  }
}
