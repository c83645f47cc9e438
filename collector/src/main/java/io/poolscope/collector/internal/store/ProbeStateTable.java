package io.poolscope.collector.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** SQL of the shared probe readings: PostgreSQL only (the H2 store is never shared). */
final class ProbeStateTable {
  private ProbeStateTable() {}

  static void put(Connection c, String server, long checkedAt, String json) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into poolscope_probe_state (server, checked_at, result) values (?, ?, ?)"
                + " on conflict (server) do update set checked_at = excluded.checked_at,"
                + " result = excluded.result")) {
      ps.setString(1, server);
      ps.setLong(2, checkedAt);
      ps.setString(3, json);
      ps.executeUpdate();
    }
  }

  static Map<String, String> all(Connection c) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select server, result from poolscope_probe_state")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }
}
