package io.poolscope.demo.app;

import java.sql.SQLException;
import java.time.Duration;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * One pod of the "jobs" service: batch workers on an Apache Commons DBCP2 pool, so the fleet has a
 * second pool type. It is healthy throughout the demo; its connections still count against the same
 * database budget as payments'.
 *
 * <p>Arguments: {@code --pod NAME --url JDBC_URL --user U --password P --pool-size N --workers N}.
 */
public final class JobsApp {
  private JobsApp() {}

  /**
   * Starts the pod and runs until the orchestrator goes away.
   *
   * @param args see the type's description
   */
  public static void main(String[] args) throws SQLException {
    AppArgs arguments = AppArgs.parse(args);
    String pod = arguments.string("pod");
    int workers = arguments.integer("workers", 2);

    BasicDataSource pool = new BasicDataSource();
    pool.setUrl(arguments.string("url"));
    pool.setUsername(arguments.string("user"));
    pool.setPassword(arguments.string("password"));
    pool.setMaxTotal(arguments.integer("pool-size", 6));
    pool.setInitialSize(workers);
    pool.setMinIdle(workers);
    pool.setMaxWait(Duration.ofSeconds(2));
    // Open the initial connections now, not inside the first borrow: a cold start should not
    // look like the waits of the incident.
    pool.start();

    SteadyLoad.warmUp(pool, 300);
    new SteadyLoad(pool, pod, workers, 100, 400).start();
    System.err.println(pod + ": jobs serving");
    AppRuntime.runUntilOrphaned(pod);
  }
}
