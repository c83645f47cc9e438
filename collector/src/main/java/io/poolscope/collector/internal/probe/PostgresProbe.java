package io.poolscope.collector.internal.probe;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL: {@code max_connections} minus the slots ordinary users can never get ({@code
 * superuser_reserved_connections}, and {@code reserved_connections} from 16 on), and the client
 * backends in {@code pg_stat_activity}. The monitoring user needs {@code pg_monitor} to see other
 * users' client addresses.
 */
final class PostgresProbe implements DatabaseProbe {

  @Override
  public ProbeResult read(Connection c, int timeoutSeconds, long now) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds);
      int max;
      int reserved;
      try (ResultSet rs =
          s.executeQuery(
              "select current_setting('max_connections')::int,"
                  + " current_setting('superuser_reserved_connections')::int,"
                  // missing_ok = true: null before PostgreSQL 16 instead of an error.
                  + " coalesce(current_setting('reserved_connections', true), '0')::int")) {
        rs.next();
        max = rs.getInt(1);
        reserved = rs.getInt(2) + rs.getInt(3);
      }
      List<ProbeResult.Client> clients = new ArrayList<>();
      int actual = 0;
      try (ResultSet rs =
          s.executeQuery(
              "select coalesce(application_name, ''), usename,"
                  + " coalesce(host(client_addr), 'local'), count(*)"
                  + " from pg_stat_activity"
                  + " where backend_type = 'client backend' and pid <> pg_backend_pid()"
                  + " group by 1, 2, 3 order by 4 desc, 1, 2, 3")) {
        while (rs.next()) {
          int n = rs.getInt(4);
          actual += n;
          clients.add(new ProbeResult.Client(rs.getString(1), rs.getString(2), rs.getString(3), n));
        }
      }
      return ProbeResult.ok(now, max, reserved, actual, clients);
    }
  }
}
