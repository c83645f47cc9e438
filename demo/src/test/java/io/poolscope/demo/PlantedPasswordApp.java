package io.poolscope.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.poolscope.demo.app.AppRuntime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * The application of {@link PlantedPasswordEndToEndIT}, run in a child JVM with the real agent:
 * three pools whose JDBC URLs and properties carry planted passwords (taken from the environment,
 * so they are not on the command line either), steady traffic, one connection leaked from {@link
 * #leakOrder} and never returned, and a pool whose URL puts the password in user-info form, which
 * the PostgreSQL driver cannot use, so its connects keep failing. It prints nothing of its own but
 * {@code READY}: whatever else is in its output is the agent's or a library's.
 */
public final class PlantedPasswordApp {
  private static final List<Connection> LEAKED = new ArrayList<>();

  private PlantedPasswordApp() {}

  /**
   * Starts the pools and the traffic, then runs until the test's pipe closes.
   *
   * @param args ignored
   * @throws Exception when a pool cannot start
   */
  public static void main(String[] args) throws Exception {
    String port = System.getenv("PLANTED_PG_PORT");
    String database = System.getenv("PLANTED_PG_DATABASE");

    // The password as a URL parameter and as the pool's own password property.
    HikariDataSource orders = new HikariDataSource();
    orders.setPoolName("orders-pool");
    orders.setJdbcUrl(
        "jdbc:postgresql://127.0.0.1:"
            + port
            + "/"
            + database
            + "?user=app&password="
            + System.getenv("PLANTED_URL_PASSWORD")
            + "&ApplicationName=planted-orders");
    orders.setUsername("app");
    orders.setPassword(System.getenv("PLANTED_PROPERTY_PASSWORD"));
    orders.addDataSourceProperty("password", System.getenv("PLANTED_PROPERTY_PASSWORD"));
    orders.setMaximumPoolSize(4);
    orders.setMinimumIdle(2);

    // H2's URL settings: USER and PASSWORD inside the URL, and the password as a property.
    BasicDataSource ledger = new BasicDataSource();
    ledger.setUrl(
        "jdbc:h2:mem:ledger;DB_CLOSE_DELAY=-1;USER=sa;PASSWORD="
            + System.getenv("PLANTED_H2_PASSWORD"));
    ledger.setUsername("sa");
    ledger.setPassword(System.getenv("PLANTED_H2_PASSWORD"));
    ledger.addConnectionProperty("password", System.getenv("PLANTED_H2_PASSWORD"));
    ledger.setMaxTotal(3);

    // user:password@host, which pgjdbc takes for a host name: every connect fails.
    HikariDataSource userinfo = new HikariDataSource();
    userinfo.setPoolName("userinfo-pool");
    userinfo.setJdbcUrl(
        "jdbc:postgresql://app:"
            + System.getenv("PLANTED_USERINFO_PASSWORD")
            + "@127.0.0.1:"
            + port
            + "/"
            + database);
    userinfo.setMaximumPoolSize(2);
    userinfo.setMinimumIdle(0);
    userinfo.setConnectionTimeout(500);
    userinfo.setInitializationFailTimeout(-1);

    leakOrder(orders);
    daemon("orders-traffic", () -> query(orders, "select 1"), 100);
    daemon("ledger-traffic", () -> query(ledger, "select 1"), 100);
    daemon("userinfo-traffic", () -> query(userinfo, "select 1"), 1000);
    System.out.println("READY");
    AppRuntime.runUntilOrphaned("planted-app");
  }

  /** The leak: borrowed here, never closed. The API must show this method as the call site. */
  static void leakOrder(DataSource orders) throws SQLException {
    Connection connection = orders.getConnection();
    LEAKED.add(connection);
  }

  private static void query(DataSource source, String sql) {
    try (Connection c = source.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
    } catch (SQLException | RuntimeException e) {
      // Expected for the user-info pool; printing it would put the pool's own message (which
      // may quote the URL) into the output the test scans for the agent's sake.
    }
  }

  private static void daemon(String name, Runnable work, long everyMillis) {
    Thread t =
        new Thread(
            () -> {
              while (AppRuntime.pause(everyMillis)) {
                work.run();
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }
}
