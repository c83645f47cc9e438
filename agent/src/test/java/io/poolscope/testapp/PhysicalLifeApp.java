package io.poolscope.testapp;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.apache.tomcat.jdbc.pool.DataSource;

/**
 * Physical connections a real pool closes, for the agent's close reasons, oldest physical age and
 * max lifetime (Tomcat JDBC, which tells its idle releases and retires by maxAge on borrow and
 * return). Prints {@code RESULT key=value} like {@link TestApp}. Scenarios:
 *
 * <ul>
 *   <li>{@code lifetime}: maxAge 1 s; one lease held 1.5 s (past the max lifetime), then returned
 *       and borrowed again, so the pool reconnects it;
 *   <li>{@code idle}: two connections returned, then released by the pool's cleaner after 300 ms of
 *       idling;
 *   <li>{@code reopen}: maxAge 1 ms, so every borrow of a pool of 2 reopens its connection ({@code
 *       borrows} times).
 * </ul>
 */
public final class PhysicalLifeApp {
  private PhysicalLifeApp() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String s : argv) {
      int eq = s.indexOf('=');
      a.put(s.substring(0, eq), s.substring(eq + 1));
    }
    switch (a.getOrDefault("scenario", "lifetime")) {
      case "lifetime":
        lifetime(Long.parseLong(a.getOrDefault("holdMs", "1500")));
        break;
      case "idle":
        idle();
        break;
      case "reopen":
        reopen(Integer.parseInt(a.getOrDefault("borrows", "40")));
        break;
      default:
        throw new IllegalArgumentException(a.get("scenario"));
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }

  private static DataSource pool(String name) {
    DataSource ds = new DataSource();
    ds.setUrl("jdbc:h2:mem:poolscope;DB_CLOSE_DELAY=-1");
    ds.setDriverClassName("org.h2.Driver");
    ds.setUsername("sa");
    ds.setPassword("s3cr3t-pw");
    ds.setName(name);
    ds.setMaxActive(2);
    ds.setMaxIdle(2);
    ds.setMinIdle(0);
    ds.setInitialSize(0);
    return ds;
  }

  private static void lifetime(long holdMs) throws Exception {
    DataSource ds = pool("lifetime-pool");
    ds.setMaxAge(1000);
    try (Connection c = ds.getConnection()) {
      AppPools.use(c);
      Thread.sleep(holdMs); // the lease itself: held past the max lifetime
    }
    try (Connection c = ds.getConnection()) {
      AppPools.use(c);
    }
    result("reconnected", ds.getPool().getReconnectedCount());
    ds.close();
  }

  private static void idle() throws Exception {
    DataSource ds = pool("idle-pool");
    ds.setMinEvictableIdleTimeMillis(300);
    ds.setTimeBetweenEvictionRunsMillis(100);
    try (Connection c1 = ds.getConnection();
        Connection c2 = ds.getConnection()) {
      AppPools.use(c1);
      AppPools.use(c2);
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (ds.getPool().getIdle() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20); // the pool's cleaner runs every 100 ms
    }
    result("releasedIdle", ds.getPool().getReleasedIdleCount());
    ds.close();
  }

  private static void reopen(int borrows) throws SQLException {
    DataSource ds = pool("reopen-pool");
    ds.setMaxAge(1);
    for (int i = 0; i < borrows; i++) {
      try (Connection c = ds.getConnection()) {
        AppPools.use(c);
      }
      sleepPastMaxAge();
    }
    result("reconnected", ds.getPool().getReconnectedCount());
    result("borrows", borrows);
    ds.close();
  }

  private static void sleepPastMaxAge() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void result(String key, Object value) {
    System.out.println("RESULT " + key + "=" + value);
    System.out.flush();
  }
}
