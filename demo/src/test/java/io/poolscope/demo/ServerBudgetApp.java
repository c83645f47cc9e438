package io.poolscope.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The application of {@link ServerBudgetEndToEndIT}, run with the real agent: one HikariCP pool
 * (max 10, no idle minimum, so it holds exactly what is borrowed) on the JDBC URL and user of its
 * arguments. Each line {@code hold N} on standard input borrows N more connections and keeps them;
 * it prints {@code HELD total} or, when the database refuses one, {@code REFUSED sqlstate message}
 * of the driver's exception. Exits at the end of standard input.
 */
public final class ServerBudgetApp {
  private ServerBudgetApp() {}

  public static void main(String[] args) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setPoolName(args[2]);
    config.setJdbcUrl(args[0]);
    config.setUsername(args[1]);
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(1000);
    // No connection at start: the pool opens only what the test asks for.
    config.setInitializationFailTimeout(-1);
    List<Connection> held = new ArrayList<>();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (HikariDataSource ds = new HikariDataSource(config)) {
      System.out.println("READY");
      System.out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.startsWith("hold ")) {
          continue;
        }
        int n = Integer.parseInt(line.substring(5).trim());
        try {
          for (int i = 0; i < n; i++) {
            held.add(ds.getConnection());
          }
          System.out.println("HELD " + held.size());
        } catch (SQLException e) {
          SQLException cause = e.getCause() instanceof SQLException s ? s : e;
          System.out.println("REFUSED " + cause.getSQLState() + " " + cause.getMessage());
        }
        System.out.flush();
      }
      for (Connection c : held) {
        c.close();
      }
    }
  }
}
