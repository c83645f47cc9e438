package io.poolscope.testapp;

import java.lang.reflect.Method;

/**
 * A short job that builds a HikariCP pool on the first line of {@code main}, borrows from it at
 * once and exits. It reaches HikariCP only by reflection, so this class names no JDBC type: the
 * agent's start gate lets it load without waiting, and the pool class is the first to wait for the
 * instrumentation. Arguments: the number of borrows.
 */
public final class FirstLinePoolApp {
  private FirstLinePoolApp() {}

  public static void main(String[] argv) throws Exception {
    int borrows = Integer.parseInt(argv[0]);
    Class<?> type = Class.forName("com.zaxxer.hikari.HikariDataSource");
    Object ds = type.getConstructor().newInstance();
    type.getMethod("setJdbcUrl", String.class).invoke(ds, "jdbc:h2:mem:first;DB_CLOSE_DELAY=-1");
    type.getMethod("setUsername", String.class).invoke(ds, "sa");
    type.getMethod("setPoolName", String.class).invoke(ds, "first-line-pool");
    type.getMethod("setMaximumPoolSize", int.class).invoke(ds, 2);
    Method get = type.getMethod("getConnection");
    for (int i = 0; i < borrows; i++) {
      try (AutoCloseable c = (AutoCloseable) get.invoke(ds)) {
        System.out.println("RESULT borrowed=" + (i + 1));
      }
    }
    System.out.println("RESULT exit=ok");
    System.out.flush();
  }
}
