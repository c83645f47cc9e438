package io.poolscope.testapp;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A pool the agent has never heard of: it must still see leases, waits and holds. */
public final class InHousePool implements DataSource {
  private final String url;
  private final String user;
  private final String password;
  private final Semaphore permits;
  private final ArrayBlockingQueue<Connection> idle;

  InHousePool(String url, String user, String password, int max) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.permits = new Semaphore(max, true);
    this.idle = new ArrayBlockingQueue<>(max);
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      throw new SQLException(e);
    }
    Connection physical = idle.poll();
    if (physical == null) {
      physical = DriverManager.getConnection(url, user, password);
    }
    Connection real = physical;
    return (Connection)
        Proxy.newProxyInstance(
            InHousePool.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, m, args) -> {
              if (m.getName().equals("close")) {
                idle.offer(real);
                permits.release();
                return null;
              }
              return m.invoke(real, args);
            });
  }

  void shutdown() throws SQLException {
    Connection c;
    while ((c = idle.poll()) != null) {
      c.close();
    }
  }

  @Override
  public Connection getConnection(String u, String p) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
