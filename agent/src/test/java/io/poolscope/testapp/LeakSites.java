package io.poolscope.testapp;

import java.sql.Connection;
import java.sql.DriverManager;
import javax.sql.DataSource;

/**
 * The application code that leaks. Tests assert that the borrower call site of each leak event
 * starts at these methods, on the line of the getConnection call (marked by a trailing comment).
 */
public final class LeakSites {
  private LeakSites() {}

  static void holdTooLong(DataSource ds, int holdMs) throws Exception {
    try (Connection c = ds.getConnection()) { // leak:hold
      AppPools.use(c);
      Thread.sleep(holdMs);
    }
  }

  static void dropWithoutClose(DataSource ds) throws Exception {
    Connection c = ds.getConnection(); // leak:drop
    AppPools.use(c);
  }

  /** One run of a job that builds its own pool: an error path returns without close(). */
  static void leakOnErrorPath(DataSource ds) throws Exception {
    Connection c = ds.getConnection(); // leak:perrun
    AppPools.use(c);
  }

  static void holdRawTooLong(String url, int holdMs) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "sa", "")) { // leak:rawhold
      AppPools.use(c);
      Thread.sleep(holdMs);
    }
  }

  static void dropRawWithoutClose(String url) throws Exception {
    Connection c = DriverManager.getConnection(url, "sa", ""); // leak:rawdrop
    AppPools.use(c);
  }
}
