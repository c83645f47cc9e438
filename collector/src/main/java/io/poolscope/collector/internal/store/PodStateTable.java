package io.poolscope.collector.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQL of the shared pod state: PostgreSQL only (the H2 store is never shared). */
final class PodStateTable {
  private PodStateTable() {}

  /** Upserts a batch in one transaction: all of it or none. */
  static void upsert(Connection c, List<PodExport> exports) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into poolscope_pod_state (pod, replica, received_at, seq, body)"
                + " values (?, ?, ?, ?, ?) on conflict (pod) do update set"
                + " replica = excluded.replica, received_at = excluded.received_at,"
                + " seq = excluded.seq, body = excluded.body"
                // A retried older export reaching another replica late must not win.
                + " where poolscope_pod_state.received_at <= excluded.received_at")) {
      for (PodExport e : exports) {
        ps.setString(1, e.pod());
        ps.setString(2, e.replica());
        ps.setLong(3, e.receivedAt());
        ps.setLong(4, e.seq());
        ps.setBytes(5, e.body());
        ps.addBatch();
      }
      ps.executeBatch();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  static List<PodExport> since(Connection c, long receivedAfter, String exceptReplica)
      throws SQLException {
    List<PodExport> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select pod, replica, received_at, seq, body from poolscope_pod_state"
                + " where received_at > ? and replica <> ? order by received_at")) {
      ps.setLong(1, receivedAfter);
      ps.setString(2, exceptReplica);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new PodExport(
                  rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5)));
        }
      }
    }
    return out;
  }
}
