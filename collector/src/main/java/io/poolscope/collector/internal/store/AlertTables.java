package io.poolscope.collector.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** SQL of the alert history and timeline event tables. */
final class AlertTables {
  private AlertTables() {}

  static long insert(Connection c, AlertRecord r) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into poolscope_alert (ts, rule, labels, event, alert_value, deliveries)"
                + " values (?, ?, ?, ?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      ps.setLong(1, r.time());
      ps.setString(2, r.rule());
      ps.setString(3, JdbcStore.toJson(r.labels()));
      ps.setString(4, r.event());
      JdbcStore.setDouble(ps, 5, r.value());
      ps.setString(6, r.deliveriesJson());
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        return keys.next() ? keys.getLong(1) : -1L;
      }
    }
  }

  static void updateDeliveries(Connection c, long id, String deliveriesJson) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("update poolscope_alert set deliveries = ? where id = ?")) {
      ps.setString(1, deliveriesJson);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  static List<AlertRecord> query(Connection c, int limit) throws SQLException {
    List<AlertRecord> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select ts, rule, labels, event, alert_value, deliveries from poolscope_alert"
                + " order by ts desc, id desc")) {
      ps.setMaxRows(limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double v = rs.getDouble(5);
          Double value = rs.wasNull() ? null : v;
          out.add(
              new AlertRecord(
                  rs.getLong(1),
                  rs.getString(2),
                  JdbcStore.fromJson(rs.getString(3)),
                  rs.getString(4),
                  value,
                  rs.getString(6)));
        }
      }
    }
    return out;
  }

  static void insertEvent(Connection c, TimelineEvent e) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into poolscope_event (ts, db, kind, text) values (?, ?, ?, ?)")) {
      ps.setLong(1, e.time());
      ps.setString(2, e.db());
      ps.setString(3, e.kind());
      ps.setString(4, e.text());
      ps.executeUpdate();
    }
  }

  static List<TimelineEvent> events(Connection c, String db, long from, long to)
      throws SQLException {
    List<TimelineEvent> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select ts, db, kind, text from poolscope_event"
                + " where (db is null or db = ?) and ts >= ? and ts <= ? order by ts")) {
      ps.setString(1, db);
      ps.setLong(2, from);
      ps.setLong(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new TimelineEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
      }
    }
    return out;
  }
}
