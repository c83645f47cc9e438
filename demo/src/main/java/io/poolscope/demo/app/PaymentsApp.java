package io.poolscope.demo.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;

/**
 * One pod of the "payments" service: a HikariCP pool serving steady request traffic. Version 2 also
 * runs the {@link ReconciliationJob}, the background job whose bugs are the demo's incident. Knows
 * nothing of Poolscope: the agent is attached from the command line.
 *
 * <p>Arguments: {@code --pod NAME --url JDBC_URL --user U --password P --version N --pool-size N
 * --workers N --job-interval-ms N}.
 */
public final class PaymentsApp {
  private PaymentsApp() {}

  /**
   * Starts the pod and runs until the orchestrator goes away.
   *
   * @param args see the type's description
   */
  public static void main(String[] args) throws SQLException {
    AppArgs arguments = AppArgs.parse(args);
    String pod = arguments.string("pod");
    int version = arguments.integer("version", 1);

    HikariConfig config = new HikariConfig();
    config.setPoolName("payments-main");
    config.setJdbcUrl(arguments.string("url"));
    config.setUsername(arguments.string("user"));
    config.setPassword(arguments.string("password"));
    // A fixed-size pool, as HikariCP recommends: the pod's share of the budget is constant.
    config.setMaximumPoolSize(arguments.integer("pool-size", 8));
    config.setMinimumIdle(arguments.integer("pool-size", 8));
    config.setConnectionTimeout(2_000);
    // Like a pod that stays unready until the database has room, instead of crash-looping.
    config.setInitializationFailTimeout(120_000);
    HikariDataSource pool = new HikariDataSource(config);
    // Readiness: serve only once the pool holds its connections, as a readiness probe would
    // gate traffic; otherwise the first requests queue behind connection creation and a cold
    // start looks like the incident's waits.
    for (int waited = 0;
        pool.getHikariPoolMXBean().getTotalConnections() < config.getMinimumIdle()
            && waited < 120_000;
        waited += 50) {
      AppRuntime.pause(50);
    }

    SteadyLoad.warmUp(pool, 300);
    new SteadyLoad(pool, pod, arguments.integer("workers", 3), 25, 150).start();
    if (version >= 2) {
      new ReconciliationJob(
              arguments.string("url"),
              arguments.string("user"),
              arguments.string("password"),
              arguments.integer("job-interval-ms", 3_000))
          .start();
    }
    System.err.println(pod + ": payments v" + version + " serving");
    AppRuntime.runUntilOrphaned(pod);
  }
}
