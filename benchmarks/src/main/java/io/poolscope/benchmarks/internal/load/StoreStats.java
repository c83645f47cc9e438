package io.poolscope.benchmarks.internal.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What the collectors' shared PostgreSQL store did during a load: commits, rows written and read,
 * WAL bytes, the pod-state table's size, and the server's CPU (the postmaster, found as the parent
 * of this reader's backend, and its children: pg_ctl detaches the server from whoever started it),
 * read before and after from PostgreSQL's own statistics views and /proc.
 */
public final class StoreStats {

  /** One reading of the counters. */
  public record Reading(
      long commits,
      long rowsWritten,
      long podRowsRead,
      long walBytes,
      long podTableBytes,
      double cpuSeconds) {

    /** The counters' growth from {@code before} to this reading (the table size as of now). */
    public Reading minus(Reading before) {
      return new Reading(
          commits - before.commits,
          rowsWritten - before.rowsWritten,
          podRowsRead - before.podRowsRead,
          walBytes - before.walBytes,
          podTableBytes,
          cpuSeconds - before.cpuSeconds);
    }
  }

  private final String url;

  /** The store at {@code url} (user and password in the URL), on this machine. */
  public StoreStats(String url) {
    this.url = url;
  }

  /** Reads the counters now. */
  public Reading read() throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      // The statistics collector publishes counters with a delay; ask for fresh ones.
      s.execute("select pg_stat_clear_snapshot()");
      long commits;
      try (ResultSet rs =
          s.executeQuery(
              "select xact_commit from pg_stat_database where datname = current_database()")) {
        rs.next();
        commits = rs.getLong(1);
      }
      long written;
      try (ResultSet rs =
          s.executeQuery(
              "select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) from pg_stat_user_tables"
                  + " where relname like 'poolscope%'")) {
        rs.next();
        written = rs.getLong(1);
      }
      long read = 0;
      long size = 0;
      try (ResultSet rs =
          s.executeQuery(
              "select coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0),"
                  + " pg_total_relation_size(relid) from pg_stat_user_tables"
                  + " where relname = 'poolscope_pod_state'")) {
        if (rs.next()) {
          read = rs.getLong(1);
          size = rs.getLong(2);
        }
      }
      long wal;
      try (ResultSet rs = s.executeQuery("select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")) {
        rs.next();
        wal = rs.getLong(1);
      }
      long backend;
      try (ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
        rs.next();
        backend = rs.getLong(1);
      }
      return new Reading(commits, written, read, wal, size, serverCpuSeconds(backend));
    }
  }

  /** CPU time of the server's processes (postmaster and backends) alive now. */
  private static double serverCpuSeconds(long backendPid) {
    Optional<ProcessHandle> postmaster =
        ProcessHandle.of(backendPid).flatMap(ProcessHandle::parent);
    if (postmaster.isEmpty()) {
      return Double.NaN;
    }
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(postmaster.get()), postmaster.get().children())
        .mapToDouble(p -> HeapSampler.cpuSeconds(p.pid()))
        .filter(Double::isFinite)
        .sum();
  }
}
