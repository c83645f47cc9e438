package io.poolscope.demo.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * A service's request traffic: a few worker threads that each borrow a connection, update an
 * account and hold the connection for a short server-side wait (so the pool is really used without
 * burning CPU on the two shared cores), return it and think.
 */
public final class SteadyLoad {
  private final DataSource dataSource;
  private final String name;
  private final int workers;
  private final long holdMillis;
  private final long thinkMillis;

  /**
   * A load generator; nothing runs until {@link #start()}.
   *
   * @param dataSource the pool to borrow from
   * @param name thread-name prefix
   * @param workers concurrent workers
   * @param holdMillis how long each request holds its connection
   * @param thinkMillis pause between a worker's requests
   */
  public SteadyLoad(
      DataSource dataSource, String name, int workers, long holdMillis, long thinkMillis) {
    this.dataSource = dataSource;
    this.name = name;
    this.workers = workers;
    this.holdMillis = holdMillis;
    this.thinkMillis = thinkMillis;
  }

  /**
   * Borrows and returns connections one after the other, before the pod takes traffic: a cold pod's
   * first borrows are slow (class loading, a cold JIT), and a readiness gate keeps them out of the
   * served requests, as warm-up does for real services.
   *
   * @param dataSource the pool
   * @param borrows how many
   * @throws SQLException when the pool cannot lend a connection
   */
  public static void warmUp(DataSource dataSource, int borrows) throws SQLException {
    for (int i = 0; i < borrows; i++) {
      try (Connection connection = dataSource.getConnection()) {
        connection.isValid(1);
      }
    }
  }

  /** Starts the workers as daemon threads. */
  public void start() {
    for (int i = 1; i <= workers; i++) {
      Thread worker = new Thread(this::loop, name + "-worker-" + i);
      worker.setDaemon(true);
      worker.start();
    }
  }

  private void loop() {
    long failures = 0;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        request();
      } catch (SQLException e) {
        // A real service would answer 503; the agent has already counted the failure. Log
        // rarely so a saturated database does not flood the pod's log.
        if (failures++ % 50 == 0) {
          System.err.println(Thread.currentThread().getName() + ": " + e);
        }
      }
      long jitter = ThreadLocalRandom.current().nextLong(thinkMillis / 2 + 1);
      if (!AppRuntime.pause(thinkMillis / 2 + jitter)) {
        return;
      }
    }
  }

  private void request() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement("update accounts set balance = balance + 1 where id = ?");
        PreparedStatement hold = connection.prepareStatement("select pg_sleep(?)")) {
      update.setInt(1, 1 + ThreadLocalRandom.current().nextInt(100));
      update.executeUpdate();
      hold.setDouble(1, holdMillis / 1000.0);
      hold.execute();
    }
  }
}
