package io.poolscope.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The application of {@link HoldersEndToEndIT}, run with the real agent: a HikariCP pool of 5 on H2
 * whose connections two named threads hold, {@code billing-worker-1} borrowing in {@link
 * #chargeCard} and then {@code refund-worker-1} in {@link #refund}, until standard input ends.
 * Prints {@code HOLDING} once both hold.
 */
public final class HoldersApp {
  private HoldersApp() {}

  public static void main(String[] args) throws Exception {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:h2:mem:billing;DB_CLOSE_DELAY=-1");
    c.setUsername("sa");
    c.setPassword("");
    c.setPoolName("billing-pool");
    c.setMaximumPoolSize(5);
    c.setMinimumIdle(0);
    CountDownLatch done = new CountDownLatch(1);
    try (HikariDataSource ds = new HikariDataSource(c)) {
      List<Thread> threads = new ArrayList<>();
      for (String name : new String[] {"billing-worker-1", "refund-worker-1"}) {
        CountDownLatch held = new CountDownLatch(1);
        Thread t =
            new Thread(
                () -> {
                  try (Connection conn = name.startsWith("refund") ? refund(ds) : chargeCard(ds)) {
                    held.countDown();
                    done.await();
                  } catch (SQLException | InterruptedException e) {
                    System.out.println("UNEXPECTED " + e);
                  }
                },
                name);
        threads.add(t);
        t.start();
        held.await();
      }
      System.out.println("HOLDING");
      System.out.flush();
      InputStream in = System.in;
      while (in.read() >= 0) {
        // until the test closes standard input
      }
      done.countDown();
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  static Connection chargeCard(HikariDataSource ds) throws SQLException {
    return ds.getConnection();
  }

  static Connection refund(HikariDataSource ds) throws SQLException {
    return ds.getConnection();
  }
}
