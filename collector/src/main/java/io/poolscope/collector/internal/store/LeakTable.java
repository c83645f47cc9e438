package io.poolscope.collector.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** SQL of the leak event table. */
final class LeakTable {
  private LeakTable() {}

  /**
   * Inserts a batch in one transaction: all of it or none, so the agent's retry of a batch that
   * failed (its request answered 503) never duplicates the events already written.
   */
  static List<LeakEvent> insert(Connection c, List<LeakEvent> events) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      List<LeakEvent> out = insertAll(c, events);
      c.commit();
      return out;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  private static List<LeakEvent> insertAll(Connection c, List<LeakEvent> events)
      throws SQLException {
    List<LeakEvent> out = new ArrayList<>(events.size());
    try (PreparedStatement exists =
            c.prepareStatement(
                "select id from poolscope_leak where instance_id = ? and lease_id = ?"
                    + " and state = ? and ts = ?");
        PreparedStatement ps =
            c.prepareStatement(
                "insert into poolscope_leak (ts, state, service, pod, instance_id, pool, db,"
                    + " thread, age_seconds, lease_id, call_site, holder_stack)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
      for (LeakEvent e : events) {
        if (e.leaseId() != null && e.instanceId() != null && e.state() != null) {
          // The agent's identity of an event: its retry may reach another replica of one store.
          exists.setString(1, e.instanceId());
          exists.setString(2, e.leaseId());
          exists.setString(3, e.state());
          exists.setLong(4, e.time());
          try (ResultSet rs = exists.executeQuery()) {
            if (rs.next()) {
              continue;
            }
          }
        }
        ps.setLong(1, e.time());
        ps.setString(2, e.state());
        ps.setString(3, e.service());
        ps.setString(4, e.pod());
        ps.setString(5, e.instanceId());
        ps.setString(6, e.pool());
        ps.setString(7, e.db());
        ps.setString(8, e.thread());
        JdbcStore.setDouble(ps, 9, e.ageSeconds());
        ps.setString(10, e.leaseId());
        ps.setString(11, e.callSite());
        ps.setString(12, e.holderStack());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          out.add(keys.next() ? e.withId(keys.getLong(1)) : e);
        }
      }
    }
    return out;
  }

  static List<LeakEvent> after(Connection c, long afterId, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select id, ts, state, service, pod, instance_id, pool, db, thread, age_seconds,"
                + " lease_id, call_site, holder_stack from poolscope_leak"
                + " where id > ? order by id")) {
      ps.setLong(1, afterId);
      ps.setMaxRows(limit);
      return read(ps);
    }
  }

  static List<LeakEvent> query(Connection c, String db, String service, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select id, ts, state, service, pod, instance_id, pool, db, thread, age_seconds,"
                + " lease_id, call_site, holder_stack from poolscope_leak"
                + " where (? is null or db = ?) and (? is null or service = ?)"
                + " order by ts desc, id desc")) {
      ps.setString(1, db);
      ps.setString(2, db);
      ps.setString(3, service);
      ps.setString(4, service);
      ps.setMaxRows(limit);
      return read(ps);
    }
  }

  private static List<LeakEvent> read(PreparedStatement ps) throws SQLException {
    List<LeakEvent> out = new ArrayList<>();
    {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double age = rs.getDouble(10);
          Double ageOrNull = rs.wasNull() ? null : age;
          out.add(
              new LeakEvent(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  ageOrNull,
                  rs.getString(11),
                  rs.getString(12),
                  rs.getString(13)));
        }
      }
    }
    return out;
  }
}
