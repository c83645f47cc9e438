package io.poolscope.collector.internal.store;

import io.poolscope.alerts.AlertState;
import io.poolscope.alerts.SavedAlert;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** SQL of the saved alert engine state: one row per pending or firing alert. */
final class AlertStateTable {
  private AlertStateTable() {}

  /** Replaces the saved state in one transaction: a successor reads all of it or the old one. */
  static void replace(Connection c, List<SavedAlert> state) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into poolscope_alert_state (rule, labels, state, alert_value,"
                    + " active_since, fired_at, last_resend, notified, position)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.executeUpdate("delete from poolscope_alert_state");
      int position = 0;
      for (SavedAlert a : state) {
        ps.setString(1, a.rule());
        ps.setString(2, JdbcStore.toJson(a.labels()));
        ps.setString(3, a.state().name());
        JdbcStore.setDouble(ps, 4, Double.isFinite(a.value()) ? a.value() : null);
        ps.setLong(5, a.activeSince());
        ps.setLong(6, a.firedAt());
        ps.setLong(7, a.lastResend());
        ps.setBoolean(8, a.notified());
        ps.setInt(9, position++);
        ps.addBatch();
      }
      if (!state.isEmpty()) {
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  static List<SavedAlert> load(Connection c) throws SQLException {
    List<SavedAlert> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select rule, labels, state, alert_value, active_since, fired_at, last_resend,"
                    + " notified from poolscope_alert_state order by position")) {
      while (rs.next()) {
        double v = rs.getDouble(4);
        double value = rs.wasNull() ? Double.NaN : v;
        out.add(
            new SavedAlert(
                rs.getString(1),
                JdbcStore.fromJson(rs.getString(2)),
                AlertState.valueOf(rs.getString(3)),
                value,
                rs.getLong(5),
                rs.getLong(6),
                rs.getLong(7),
                rs.getBoolean(8)));
      }
    }
    return out;
  }
}
