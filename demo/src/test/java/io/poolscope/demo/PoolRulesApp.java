package io.poolscope.demo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * The application of {@link PoolRulesEndToEndIT}, run with the real agent: three DBCP2 pools on H2,
 * each borrowed once, then, after a line on standard input (the test saw all three in the
 * collector), each breaks one pool rule:
 *
 * <ul>
 *   <li>{@code exhausted-pool}, a pool of 1 whose only connection is held: the next borrow times
 *       out;
 *   <li>{@code lifetime-pool}, max lifetime 1 s: a connection is held past it until the end;
 *   <li>{@code reopen-pool}, max 2 and a max lifetime of 400 ms, borrowed every 500 ms: every
 *       borrow reopens its connection ({@code REOPEN_BORROWS} times). (A shorter lifetime can fail
 *       the borrow itself: DBCP2 refuses a new connection already past it when activated.)
 * </ul>
 *
 * DBCP2 pools have no name of their own: each is told apart by its H2 database, named like the
 * pool. Prints what it did; exits at the end of standard input.
 */
public final class PoolRulesApp {
  static final int REOPEN_BORROWS = 25;

  private PoolRulesApp() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    BasicDataSource exhausted = pool("exhausted-pool", 1, -1);
    BasicDataSource lifetime = pool("lifetime-pool", 2, 1000);
    BasicDataSource reopen = pool("reopen-pool", 2, 400);
    for (BasicDataSource ds : new BasicDataSource[] {exhausted, lifetime, reopen}) {
      try (Connection c = ds.getConnection()) {
        use(c);
      }
    }
    System.out.println("READY");
    in.readLine();

    Connection held = exhausted.getConnection();
    try (Connection c = exhausted.getConnection()) {
      System.out.println("UNEXPECTED second connection");
    } catch (SQLException e) {
      System.out.println("TIMEOUT " + e.getClass().getName());
    }

    Connection old = lifetime.getConnection();
    use(old);

    for (int i = 0; i < REOPEN_BORROWS; i++) {
      // Past the lifetime of the connection returned before (the set-up's one included), so each
      // borrow closes it and reopens: REOPEN_BORROWS closes for max lifetime, however soon the
      // test answered READY.
      Thread.sleep(500);
      try (Connection c = reopen.getConnection()) {
        use(c);
      }
    }
    System.out.println("REOPENED " + reopen.getNumActive() + " active");
    System.out.flush();

    while (in.readLine() != null) {
      // hold both connections until the test is done
    }
    old.close();
    held.close();
    for (BasicDataSource ds : new BasicDataSource[] {exhausted, lifetime, reopen}) {
      ds.close();
    }
  }

  private static BasicDataSource pool(String name, int max, long lifetimeMillis) {
    BasicDataSource ds = new BasicDataSource();
    ds.setUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    ds.setUsername("sa");
    ds.setPassword("");
    ds.setMaxTotal(max);
    ds.setMaxIdle(max);
    ds.setMinIdle(0);
    ds.setMaxWait(Duration.ofMillis(100));
    if (lifetimeMillis > 0) {
      ds.setMaxConn(Duration.ofMillis(lifetimeMillis));
    }
    return ds;
  }

  private static void use(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("select 1");
    }
  }
}
