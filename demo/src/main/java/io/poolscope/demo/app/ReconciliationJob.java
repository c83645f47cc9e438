package io.poolscope.demo.app;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The background job that payments v2 ships with, and the cause of the demo's incident. It has the
 * two bugs of the seed post-mortem, written the way they are written in real code:
 *
 * <ol>
 *   <li>it builds its own connection pool on every run (a "second pool" per pod, and pool churn),
 *       configured lazily the way framework data-source builders do, so the pool starts inside the
 *       first {@code getConnection}; and
 *   <li>on its error path (a batch with a disputed payment) it returns early, so neither the
 *       connection nor that run's pool is ever closed: every such run keeps one more connection of
 *       the database's budget until the pod dies.
 * </ol>
 *
 * <p>Once the database is full, each new run's {@code getConnection} waits its whole timeout and
 * fails, and the pool it leaves behind is refused by PostgreSQL ({@code 53300}).
 */
final class ReconciliationJob {
  private final String url;
  private final String user;
  private final String password;
  private final long intervalMillis;
  private long runs;

  ReconciliationJob(String url, String user, String password, long intervalMillis) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.intervalMillis = intervalMillis;
  }

  void start() {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "reconciliation-job");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::runLogged, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void runLogged() {
    try {
      runOnce();
    } catch (SQLException | RuntimeException e) {
      System.err.println("reconciliation-job: run " + runs + " failed: " + e);
    }
  }

  private void runOnce() throws SQLException {
    runs++;
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(url);
    pool.setUsername(user);
    pool.setPassword(password);
    pool.setMaximumPoolSize(2);
    pool.setMinimumIdle(0);
    pool.setConnectionTimeout(1_000);
    pool.setInitializationFailTimeout(-1);

    Connection connection = pool.getConnection(); // LEAK-CALL-SITE: borrowed, not always closed
    try (Statement statement = connection.createStatement();
        ResultSet batch =
            statement.executeQuery("select count(*) from accounts where id % 3 = " + runs % 3)) {
      batch.next();
    }
    // Two batches in three carry a disputed payment: deterministic, so the climb is repeatable.
    boolean disputed = runs % 3 != 0;
    if (disputed) {
      // The error path: the batch is left for the next run, and so are the connection and pool.
      return;
    }
    connection.close();
    pool.close();
  }
}
