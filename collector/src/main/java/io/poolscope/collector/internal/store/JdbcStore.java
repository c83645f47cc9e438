package io.poolscope.collector.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The store over one JDBC connection (H2 file by default, PostgreSQL for a collector that must
 * outlive its machine). Writes are rare (one row per target and pool a minute, leak events), so one
 * connection, serialized, is enough; it is reopened when the database drops it.
 */
public final class JdbcStore implements Store {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final String user;
  private final String password;
  private Connection connection;

  /** Opens the store and migrates its schema; fails start-up with the reason if it cannot. */
  public JdbcStore(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    try {
      connection = open();
      Migrations.migrate(connection);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "store.url = '" + redact(url) + "' cannot be opened: " + e.getMessage(), e);
    }
  }

  private Connection open() throws SQLException {
    return DriverManager.getConnection(durable(url), user, password);
  }

  /**
   * H2 keeps committed changes in memory for up to 500 ms (WRITE_DELAY) before writing them: a
   * collector killed in that window would lose leak events it had already acknowledged with a 200
   * (KillDuringIngestTest). Writes are rare, so every commit goes to the file unless the URL
   * chooses otherwise.
   */
  static String durable(String url) {
    boolean h2File = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:");
    if (!h2File || url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY")) {
      return url;
    }
    return url + ";WRITE_DELAY=0";
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private synchronized <T> T with(Work<T> work) {
    try {
      if (connection == null || connection.isClosed() || !connection.isValid(5)) {
        closeConnection();
        connection = open();
      }
      return work.run(connection);
    } catch (SQLException e) {
      throw new StoreException("store operation failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void appendHistory(List<HistoryRow> dbRows, List<PoolHistoryRow> poolRows) {
    with(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into poolscope_db_history (db, ts, open_conn, usable, planned, actual,"
                      + " pending, wait_p99, use_p99) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (HistoryRow r : dbRows) {
              ps.setString(1, r.db());
              ps.setLong(2, r.time());
              ps.setDouble(3, r.open());
              setDouble(ps, 4, r.usable());
              ps.setDouble(5, r.planned());
              setDouble(ps, 6, r.actual());
              ps.setDouble(7, r.pending());
              ps.setDouble(8, r.waitP99());
              ps.setDouble(9, r.useP99());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into poolscope_pool_history (db, ts, service, pool, pods, used_conn,"
                      + " idle_conn, max_conn, pending, wait_p99, use_p99)"
                      + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (PoolHistoryRow r : poolRows) {
              ps.setString(1, r.db());
              ps.setLong(2, r.time());
              ps.setString(3, r.service());
              ps.setString(4, r.pool());
              ps.setInt(5, r.pods());
              ps.setDouble(6, r.used());
              ps.setDouble(7, r.idle());
              setDouble(ps, 8, r.max());
              ps.setDouble(9, r.pending());
              ps.setDouble(10, r.waitP99());
              ps.setDouble(11, r.useP99());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  @Override
  public List<Series> history(String db, long from, long to, long stepMillis) {
    String[] names = {"open", "usable", "planned", "actual", "pending", "waitP99", "useP99"};
    return with(
        c -> {
          List<List<double[]>> points = new ArrayList<>();
          for (int i = 0; i < names.length; i++) {
            points.add(new ArrayList<>());
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  // The bucket is computed once in a subquery and grouped by name: H2 rejects a
                  // GROUP BY expression whose parameters are not the select list's own.
                  "select bucket, avg(open_conn), avg(usable), avg(planned),"
                      + " avg(actual), avg(pending), max(wait_p99), max(use_p99)"
                      + " from (select (ts / ?) * ? as bucket, open_conn, usable, planned, actual,"
                      + " pending, wait_p99, use_p99"
                      + " from poolscope_db_history where db = ? and ts >= ? and ts <= ?) h"
                      + " group by bucket order by bucket")) {
            ps.setLong(1, stepMillis);
            ps.setLong(2, stepMillis);
            ps.setString(3, db);
            ps.setLong(4, from);
            ps.setLong(5, to);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long t = rs.getLong(1);
                for (int i = 0; i < names.length; i++) {
                  double v = rs.getDouble(i + 2);
                  if (!rs.wasNull()) {
                    points.get(i).add(new double[] {t, v});
                  }
                }
              }
            }
          }
          List<Series> out = new ArrayList<>();
          for (int i = 0; i < names.length; i++) {
            out.add(new Series(names[i], points.get(i)));
          }
          return out;
        });
  }

  @Override
  public List<PoolHistoryRow> poolHistory(String db, long from, long to) {
    return with(
        c -> {
          List<PoolHistoryRow> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select db, ts, service, pool, pods, used_conn, idle_conn, max_conn, pending,"
                      + " wait_p99, use_p99 from poolscope_pool_history"
                      + " where db = ? and ts >= ? and ts <= ? order by ts desc, service, pool")) {
            ps.setString(1, db);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                double max = rs.getDouble(8);
                Double maxOrNull = rs.wasNull() ? null : max;
                out.add(
                    new PoolHistoryRow(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getDouble(6),
                        rs.getDouble(7),
                        maxOrNull,
                        rs.getDouble(9),
                        rs.getDouble(10),
                        rs.getDouble(11)));
              }
            }
          }
          return out;
        });
  }

  @Override
  public List<LeakEvent> addLeaks(List<LeakEvent> events) {
    return events.isEmpty() ? events : with(c -> LeakTable.insert(c, events));
  }

  @Override
  public List<LeakEvent> leaks(String db, String service, int limit) {
    return with(c -> LeakTable.query(c, db, service, limit));
  }

  @Override
  public long addAlert(AlertRecord r) {
    return with(c -> AlertTables.insert(c, r));
  }

  @Override
  public void updateAlertDeliveries(long id, String deliveriesJson) {
    with(
        c -> {
          AlertTables.updateDeliveries(c, id, deliveriesJson);
          return null;
        });
  }

  @Override
  public List<AlertRecord> alerts(int limit) {
    return with(c -> AlertTables.query(c, limit));
  }

  @Override
  public void addEvent(TimelineEvent e) {
    with(
        c -> {
          AlertTables.insertEvent(c, e);
          return null;
        });
  }

  @Override
  public List<TimelineEvent> events(String db, long from, long to) {
    return with(c -> AlertTables.events(c, db, from, to));
  }

  @Override
  public void replaceAlertState(List<io.poolscope.alerts.SavedAlert> state) {
    with(
        c -> {
          AlertStateTable.replace(c, state);
          return null;
        });
  }

  @Override
  public List<io.poolscope.alerts.SavedAlert> alertState() {
    return with(AlertStateTable::load);
  }

  @Override
  public void upsertPods(List<PodExport> exports) {
    if (!exports.isEmpty()) {
      with(
          c -> {
            PodStateTable.upsert(c, exports);
            return null;
          });
    }
  }

  @Override
  public List<PodExport> podsSince(long receivedAfter, String exceptReplica) {
    return with(c -> PodStateTable.since(c, receivedAfter, exceptReplica));
  }

  @Override
  public List<LeakEvent> leaksAfter(long afterId, int limit) {
    return with(c -> LeakTable.after(c, afterId, limit));
  }

  @Override
  public void putProbeResult(String server, long checkedAt, String json) {
    with(
        c -> {
          ProbeStateTable.put(c, server, checkedAt, json);
          return null;
        });
  }

  @Override
  public Map<String, String> probeResults() {
    return with(ProbeStateTable::all);
  }

  @Override
  public int purgeBefore(long cutoff) {
    return with(
        c -> {
          int n = 0;
          for (String table :
              List.of(
                  "poolscope_db_history",
                  "poolscope_pool_history",
                  "poolscope_leak",
                  "poolscope_alert",
                  "poolscope_event")) {
            try (PreparedStatement ps =
                c.prepareStatement("delete from " + table + " where ts < ?")) {
              ps.setLong(1, cutoff);
              n += ps.executeUpdate();
            }
          }
          return n;
        });
  }

  @Override
  public synchronized void close() {
    closeConnection();
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing a broken connection; nothing left to release.
      }
      connection = null;
    }
  }

  static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  static String toJson(Map<String, String> labels) {
    try {
      return JSON.writeValueAsString(labels == null ? Map.of() : labels);
    } catch (JsonProcessingException e) {
      return "{}";
    }
  }

  static Map<String, String> fromJson(String s) {
    try {
      return s == null ? Map.of() : JSON.readValue(s, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      return Map.of();
    }
  }

  /** A JDBC URL without parameters, which may carry a password. */
  public static String redact(String url) {
    int q = url.indexOf('?');
    int semi = url.startsWith("jdbc:h2:") ? url.indexOf(';') : -1;
    int cut = q >= 0 ? q : semi;
    return cut < 0 ? url : url.substring(0, cut) + "...";
  }
}
