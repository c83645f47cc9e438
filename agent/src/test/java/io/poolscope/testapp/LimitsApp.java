package io.poolscope.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Runs into each of PostgreSQL's limits in turn, with the user given each way a JDBC application
 * gives one: the role's CONNECTION LIMIT (user in the connection properties), the database's (user
 * in the URL), the reserved slots (a data source's configured user) and max_connections (the user
 * argument of getConnection(user, password)). Prints {@code RESULT opened.<limit>=n} and {@code
 * RESULT refused.<limit>=n} with the refusal's message, holds everything until a line on stdin,
 * then closes it all. Arguments: {@code base=jdbc:postgresql://host:port}, {@code password=...}.
 */
public final class LimitsApp {
  private final List<Connection> open = new ArrayList<>();

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String s : argv) {
      int eq = s.indexOf('=');
      a.put(s.substring(0, eq), s.substring(eq + 1));
    }
    new LimitsApp().run(a.get("base"), a.get("password"));
  }

  private void run(String base, String password) throws Exception {
    Properties capped = new Properties();
    capped.setProperty("user", "capped");
    capped.setProperty("password", password);
    openUntilRefused("role", () -> DriverManager.getConnection(base + "/postgres", capped));
    openUntilRefused(
        "database",
        () -> DriverManager.getConnection(base + "/shop?user=reporter&password=" + password));
    PGSimpleDataSource reporter = new PGSimpleDataSource();
    reporter.setUrl(base + "/postgres");
    reporter.setUser("reporter");
    reporter.setPassword(password);
    PGSimpleDataSource noUser = new PGSimpleDataSource();
    noUser.setUrl(base + "/postgres");
    open.add(noUser.getConnection("postgres", password));
    openUntilRefused("reserved", reporter::getConnection);
    openUntilRefused("server", () -> noUser.getConnection("postgres", password));
    System.out.println("READY");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    for (Connection c : open) {
      c.close();
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }

  private void openUntilRefused(String limit, Callable<Connection> opener) throws Exception {
    int opened = 0;
    for (int i = 0; i < 20; i++) {
      try {
        open.add(opener.call());
        opened++;
      } catch (SQLException e) {
        System.out.println("RESULT opened." + limit + "=" + opened);
        System.out.println(
            "RESULT refused." + limit + "=" + e.getSQLState() + " " + e.getMessage());
        System.out.flush();
        return;
      }
    }
    throw new AssertionError(limit + ": 20 connections and no refusal");
  }
}
