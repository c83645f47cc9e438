package io.poolscope.testapp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A background job that builds a HikariCP pool every run, from one line ({@link #newJobPool}), on a
 * worker thread, and closes it at the end of the run; next to it a long-lived pool built elsewhere
 * and one connection straight from DriverManager. Each run prints {@code OPEN n} with its pool open
 * and in use, waits for a line on stdin, closes the pool and prints {@code CLOSED n}. After the
 * last run it prints {@code READY} and returns from main on the next line: a normal JVM exit.
 */
public final class JobPoolsApp {
  private static final String URL = "jdbc:h2:mem:jobs;DB_CLOSE_DELAY=-1";

  private JobPoolsApp() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Connection raw = DriverManager.getConnection(URL, "sa", "");
        HikariDataSource reporting = new HikariDataSource(config("reporting-pool"))) {
      try (Connection c = reporting.getConnection()) {
        c.isValid(1);
      }
      ExecutorService jobs = Executors.newSingleThreadExecutor();
      try {
        for (int run = 1; run <= runs; run++) {
          int n = run;
          jobs.submit(
                  () -> {
                    try (HikariDataSource pool = newJobPool("job-run-" + n)) {
                      try (Connection c = pool.getConnection()) {
                        c.isValid(1);
                      }
                      System.out.println("OPEN " + n);
                      System.out.flush();
                      in.readLine();
                    }
                    System.out.println("CLOSED " + n);
                    System.out.flush();
                    return null;
                  })
              .get();
        }
      } finally {
        jobs.shutdown();
      }
      raw.isValid(1);
      System.out.println("READY");
      System.out.flush();
      in.readLine();
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }

  /** The one line every run's pool is built at. */
  private static HikariDataSource newJobPool(String name) {
    return new HikariDataSource(config(name));
  }

  private static HikariConfig config(String name) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(URL);
    c.setUsername("sa");
    c.setPassword("");
    c.setMaximumPoolSize(2);
    c.setMinimumIdle(1);
    c.setPoolName(name);
    return c;
  }
}
