package io.poolscope.testapp;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Where TransparencyApp gets its connections from: a pool of any kind AppPools builds, a driver's
 * own data source ({@code driverds}: H2's JdbcDataSource) or {@code DriverManager} itself, behind
 * one interface so the scenario is the same for all of them.
 */
interface Borrowing extends AutoCloseable {
  /** The data source, or null for DriverManager. */
  DataSource dataSource();

  Connection get() throws SQLException;

  Connection get(String user, String password) throws SQLException;

  /** Whether connections come from a pool (one that can run out of them). */
  boolean pooled();

  /** Closes the pool; nothing to close for the unpooled kinds. */
  @Override
  void close() throws Exception;

  static Borrowing of(String kind, AppPools.Spec s) throws Exception {
    switch (kind) {
      case "drivermanager":
        return unpooled(
            null,
            () -> DriverManager.getConnection(s.url, s.user, s.password),
            (u, p) -> DriverManager.getConnection(s.url, u, p));
      case "driverds":
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL(s.url);
        ds.setUser(s.user);
        ds.setPassword(s.password);
        return unpooled(ds, ds::getConnection, ds::getConnection);
      default:
        AppPools.Pool pool = AppPools.create(kind, s);
        DataSource pds = pool.dataSource();
        return new Borrowing() {
          @Override
          public DataSource dataSource() {
            return pds;
          }

          @Override
          public Connection get() throws SQLException {
            return pds.getConnection();
          }

          @Override
          public Connection get(String user, String password) throws SQLException {
            return pds.getConnection(user, password);
          }

          @Override
          public boolean pooled() {
            return true;
          }

          @Override
          public void close() throws Exception {
            pool.close();
          }
        };
    }
  }

  /** Opens a connection. */
  interface Open {
    Connection open() throws SQLException;
  }

  /** Opens a connection as a given user. */
  interface OpenAs {
    Connection open(String user, String password) throws SQLException;
  }

  private static Borrowing unpooled(DataSource ds, Open open, OpenAs openAs) {
    return new Borrowing() {
      @Override
      public DataSource dataSource() {
        return ds;
      }

      @Override
      public Connection get() throws SQLException {
        return open.open();
      }

      @Override
      public Connection get(String user, String password) throws SQLException {
        return openAs.open(user, password);
      }

      @Override
      public boolean pooled() {
        return false;
      }

      @Override
      public void close() {}
    };
  }
}
