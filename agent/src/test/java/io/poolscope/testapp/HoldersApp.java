package io.poolscope.testapp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Connections held on named threads, for the oldest-holders export: a HikariCP pool of 5 on H2;
 * {@code billing-worker-1} borrows in {@link #chargeCard}, then {@code billing-worker-2} there too,
 * then {@code refund-worker-1} in {@link #refund}, one after the other, each holding its connection
 * until the file {@code release} names exists. Prints {@code HOLDING} once all three hold, then
 * {@code RESULT exit=ok} after they returned.
 */
public final class HoldersApp {
  private HoldersApp() {}

  public static void main(String[] argv) throws Exception {
    Path release = null;
    for (String s : argv) {
      if (s.startsWith("release=")) {
        release = Paths.get(s.substring("release=".length()));
      }
    }
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:h2:mem:holders;DB_CLOSE_DELAY=-1");
    c.setUsername("sa");
    c.setPassword("s3cr3t-pw");
    c.setPoolName("billing-pool");
    c.setMaximumPoolSize(5);
    c.setMinimumIdle(0);
    try (HikariDataSource ds = new HikariDataSource(c)) {
      Path done = release;
      List<Thread> threads = new ArrayList<>();
      String[] names = {"billing-worker-1", "billing-worker-2", "refund-worker-1"};
      for (String name : names) {
        CountDownLatch held = new CountDownLatch(1);
        Thread t =
            new Thread(
                () -> {
                  try (Connection conn = name.startsWith("refund") ? refund(ds) : chargeCard(ds)) {
                    held.countDown();
                    while (!Files.exists(done)) {
                      Thread.sleep(20);
                    }
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                },
                name);
        threads.add(t);
        t.start();
        held.await();
        // Each lease starts on a later clock reading than the one before.
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 5_000_000L) {
          Thread.onSpinWait();
        }
      }
      System.out.println("HOLDING");
      System.out.flush();
      for (Thread t : threads) {
        t.join();
      }
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }

  static Connection chargeCard(HikariDataSource ds) throws SQLException {
    return ds.getConnection();
  }

  static Connection refund(HikariDataSource ds) throws SQLException {
    return ds.getConnection();
  }
}
