package io.poolscope.testapp;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Exercises a pool's public API at its edges (timeouts, interrupted and pre-interrupted waits, a
 * closed pool, unwrap/isWrapperFor, abort, double close, close from another thread, driver
 * exceptions) and prints one {@code T step: outcome} line per step: the return value, or the
 * exception's type, message and SQLState, and the thread's interrupt status. TransparencyIT runs it
 * with and without the agent and requires the two transcripts to be identical.
 */
public final class TransparencyApp {
  private TransparencyApp() {}

  public static void main(String[] argv) throws Exception {
    String kind = argv[0];
    AppPools.Spec s = new AppPools.Spec();
    s.url = "jdbc:h2:mem:transparency;DB_CLOSE_DELAY=-1";
    s.user = "sa";
    s.password = "pw";
    s.max = 1;
    s.minIdle = 1;
    s.timeoutMs = 30_000;
    s.name = "transparency-pool";
    AppPools.Pool pool = AppPools.create(kind, s);
    DataSource ds = pool.dataSource();
    ExecutorService other = Executors.newSingleThreadExecutor();

    step("warm-up lease", () -> use(ds));
    step("ds.isWrapperFor(DataSource)", () -> ds.isWrapperFor(DataSource.class));
    step("ds.isWrapperFor(String)", () -> ds.isWrapperFor(String.class));
    step("ds.unwrap(DataSource) is ds", () -> ds.unwrap(DataSource.class) == ds);
    step("ds.unwrap(String)", () -> ds.unwrap(String.class));

    Connection c = ds.getConnection();
    step("conn.isWrapperFor(Connection)", () -> c.isWrapperFor(Connection.class));
    step("conn.isWrapperFor(String)", () -> c.isWrapperFor(String.class));
    step("conn.unwrap(Connection) class", () -> c.unwrap(Connection.class).getClass().getName());
    step("conn.unwrap(String)", () -> c.unwrap(String.class));
    step("bad SQL", () -> c.createStatement().execute("select * from no_such_table"));
    step("autoCommit", c::getAutoCommit);
    pool.timeout(300);
    step("timeout while the only connection is held", () -> use(ds));
    // A waiter interrupted while inside getConnection.
    step(
        "interrupted wait",
        () -> {
          Thread waiter = Thread.currentThread();
          pool.timeout(5_000);
          other.submit(
              () -> {
                // Interrupt only once the waiter is parked inside getConnection (its only timed
                // wait), so both runs interrupt the same wait however loaded the machine is.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (waiter.getState() != Thread.State.TIMED_WAITING
                    && System.nanoTime() < deadline) {
                  Thread.sleep(1); // polling the waiter's state
                }
                waiter.interrupt();
                return null;
              });
          return use(ds);
        });
    pool.timeout(300);
    step("interrupt status cleared for the next step", Thread::interrupted);
    step(
        "close from another thread",
        () ->
            other
                .submit(
                    () -> {
                      c.close();
                      return c.isClosed();
                    })
                .get());
    step(
        "double close",
        () -> {
          c.close();
          return c.isClosed();
        });
    step("lease after the other thread's close", () -> use(ds));
    step(
        "pre-interrupted getConnection",
        () -> {
          Thread.currentThread().interrupt();
          return use(ds);
        });
    step("interrupt status cleared", Thread::interrupted);
    step(
        "abort",
        () -> {
          Connection a = ds.getConnection();
          a.abort(Runnable::run);
          boolean closed = a.isClosed();
          a.close();
          return closed;
        });
    step("lease after abort", () -> use(ds));
    step(
        "use after close",
        () -> {
          Connection d = ds.getConnection();
          d.close();
          return d.createStatement();
        });
    pool.close();
    step("getConnection on a closed pool", () -> use(ds));
    step(
        "close a closed pool",
        () -> {
          pool.close();
          return "closed";
        });

    AppPools.Spec bad = new AppPools.Spec();
    bad.url = "jdbc:h2:mem:transparency;IFEXISTS=TRUE";
    bad.user = "sa";
    bad.password = "wrong";
    bad.max = 1;
    bad.minIdle = 0;
    bad.timeoutMs = 500;
    bad.name = "bad-password-pool";
    step(
        "driver refuses the password",
        () -> {
          try (AppPools.Pool p = AppPools.create(kind, bad)) {
            return use(p.dataSource());
          }
        });
    other.shutdownNow();
    System.out.println("T end");
  }

  private static String use(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      return "select 1 -> " + st.execute("select 1");
    }
  }

  private static void step(String name, Callable<?> action) {
    String outcome;
    try {
      outcome = "returned " + action.call();
    } catch (Throwable t) {
      Throwable e = t instanceof java.util.concurrent.ExecutionException ? t.getCause() : t;
      StringBuilder sb = new StringBuilder("threw ");
      for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
        sb.append(x.getClass().getName()).append(": ").append(x.getMessage());
        if (x instanceof SQLException) {
          sb.append(" [SQLState ").append(((SQLException) x).getSQLState()).append(']');
        }
        if (x.getCause() != null) {
          sb.append(" <- ");
        }
      }
      outcome = sb.toString();
    }
    AtomicReference<String> line =
        new AtomicReference<>(
            "T "
                + name
                + ": "
                + outcome
                + " (interrupted="
                + Thread.currentThread().isInterrupted()
                + ")");
    System.out.println(line.get().replace('\n', ' '));
    System.out.flush();
  }
}
