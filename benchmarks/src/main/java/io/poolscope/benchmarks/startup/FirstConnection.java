package io.poolscope.benchmarks.startup;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A small application for the start-up benchmark ({@code run-startup-bench.sh}): builds a HikariCP
 * pool on an in-memory H2 database, borrows one connection and stops the JVM at once. Its wall time
 * is the JVM's time to its first {@code getConnection}; {@link Runtime#halt} skips the shutdown
 * hooks, so what an agent does at exit is not counted.
 */
public final class FirstConnection {
  private FirstConnection() {}

  /**
   * Runs it.
   *
   * @param args unused
   * @throws SQLException if H2 fails
   */
  public static void main(String[] args) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setPoolName("startup-pool");
    config.setJdbcUrl("jdbc:h2:mem:startup");
    config.setUsername("sa");
    config.setMaximumPoolSize(2);
    HikariDataSource pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection()) {
      if (!c.isValid(1)) {
        throw new SQLException("first connection is not valid");
      }
    }
    Runtime.getRuntime().halt(0);
  }
}
