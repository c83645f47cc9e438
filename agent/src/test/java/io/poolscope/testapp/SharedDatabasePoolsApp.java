package io.poolscope.testapp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Several HikariCP pools against one database in one JVM, as a service with a second pool per pod
 * has: each opens its first connection inside its constructor (fail-fast) and the rest on its own
 * "connection adder" thread. Prints {@code READY} once every pool has its {@code minimumIdle}
 * connections, then closes them on the next line from stdin.
 */
public final class SharedDatabasePoolsApp {
  private static final String URL = "jdbc:h2:mem:shared;DB_CLOSE_DELAY=-1";

  private SharedDatabasePoolsApp() {}

  public static void main(String[] args) throws Exception {
    int pools = Integer.parseInt(args[0]);
    int size = Integer.parseInt(args[1]);
    List<HikariDataSource> all = new ArrayList<>();
    for (int i = 1; i <= pools; i++) {
      HikariConfig c = new HikariConfig();
      c.setJdbcUrl(URL);
      c.setUsername("sa");
      c.setPassword("");
      c.setMaximumPoolSize(size);
      c.setMinimumIdle(size);
      c.setPoolName("shared-" + i);
      all.add(new HikariDataSource(c));
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    for (HikariDataSource ds : all) {
      while (ds.getHikariPoolMXBean().getTotalConnections() < size) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(ds.getPoolName() + " did not fill");
        }
        Thread.sleep(5);
      }
    }
    System.out.println("READY");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    for (HikariDataSource ds : all) {
      ds.close();
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }
}
