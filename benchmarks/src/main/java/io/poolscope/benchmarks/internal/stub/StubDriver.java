package io.poolscope.benchmarks.internal.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver that opens connections doing nothing, so a pool's own borrow/return cost (and an
 * agent's cost on top of it) dominates what the benchmark measures. URLs look like {@code
 * jdbc:stub:NAME}.
 */
public final class StubDriver implements Driver {

  /** The URL prefix this driver accepts. */
  public static final String PREFIX = "jdbc:stub:";

  static {
    try {
      DriverManager.registerDriver(new StubDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Makes sure the driver is registered with {@link DriverManager}. */
  public static void register() {
    // Loading the class runs the static initializer; nothing else to do.
  }

  @Override
  public Connection connect(String url, Properties info) {
    // JDBC: a driver returns null for a URL it does not understand.
    return acceptsURL(url) ? new StubConnection(url) : null;
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 1;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("stub driver has no logger");
  }
}
