package io.poolscope.collector.internal.leader;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership by a PostgreSQL session advisory lock on a connection of its own: the replica whose
 * session holds the lock leads. The lock goes with the session, so a replica that dies, or loses
 * its connection, loses leadership at once, and the next {@link #check} of another takes it.
 */
public final class AdvisoryLock implements Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(AdvisoryLock.class);

  /**
   * The lock's key: "poolscop" in ASCII, so it does not collide with an application's small ids.
   */
  static final long KEY = 0x706f6f6c73636f70L;

  private final String url;
  private final String user;
  private final String password;
  private Connection connection;
  private volatile boolean leader;
  private volatile boolean reachable = true;

  /** Leadership among the collectors sharing the PostgreSQL store at {@code url}. */
  public AdvisoryLock(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  @Override
  public synchronized boolean check() {
    try {
      if (connection == null || connection.isClosed() || !connection.isValid(2)) {
        // A new session holds no lock, whatever the old one held.
        dropConnection();
        leader = false;
        connection = DriverManager.getConnection(url, user, password);
        connection.setAutoCommit(true);
      }
      if (!leader) {
        try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
          ps.setLong(1, KEY);
          try (ResultSet rs = ps.executeQuery()) {
            boolean got = rs.next() && rs.getBoolean(1);
            if (got) {
              LOG.info("this collector is now the leader (probes, history, alerts)");
            }
            leader = got;
          }
        }
      }
      reachable = true;
    } catch (SQLException e) {
      if (leader) {
        LOG.warn("leadership lost: store unreachable: {}", e.getMessage());
      }
      leader = false;
      reachable = false;
      dropConnection();
    }
    return leader;
  }

  @Override
  public boolean leader() {
    return leader;
  }

  @Override
  public String state() {
    return !reachable ? "unknown" : leader ? "leader" : "follower";
  }

  private void dropConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Closing a broken session: the server has released its lock or will.
      }
      connection = null;
    }
  }

  @Override
  public synchronized void close() {
    leader = false;
    dropConnection();
  }
}
