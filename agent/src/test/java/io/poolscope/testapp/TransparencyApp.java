package io.poolscope.testapp;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import javax.sql.DataSource;

/**
 * Exercises a pool's public API at its edges and prints one {@code T step: outcome} line per step:
 * the return value, or the exception's type, message and SQLState (and its causes'), and the
 * thread's interrupt status. TransparencyIT runs it with and without the agent and requires the two
 * transcripts to be identical.
 *
 * <p>Steps: whether the pool opens connections before its first borrow, unwrap/isWrapperFor on the
 * data source and the connection (own class, driver class, wrong class), driver exceptions (bad
 * SQL, bad prepared SQL, a duplicate key), a borrow timing out while the only connection is held, a
 * waiter interrupted inside getConnection, a close from another thread, a double close, isClosed
 * and isValid after close, the connection's statement and result set after close, a pre-interrupted
 * getConnection, getConnection(user, password), abort (with null and with an executor),
 * getConnection on a closed pool, closing it twice, a password the driver refuses, and the sessions
 * left open in the database at the end.
 *
 * <p>Arguments: the kind (an AppPools kind, {@code driverds} or {@code drivermanager}). Prints
 * {@code F key=value} facts for the agent's figures afterwards: getConnection calls and failures on
 * the main data source, sessions left open. The session probe is one DriverManager connection.
 */
public final class TransparencyApp {
  private static final String URL = "jdbc:h2:mem:transparency;DB_CLOSE_DELAY=-1";
  private static final String USER = "sa";
  private static final String PASSWORD = "pw";

  /**
   * The borrow timeout of every pool (H2's pool and UCP count whole seconds): long enough for the
   * interrupter to find the waiter parked even on a loaded machine, short enough for the run.
   */
  private static final int TIMEOUT_MS = 1000;

  /** The bad password pool's borrow timeout (c3p0 retries the open until it times out). */
  private static final int BAD_PASSWORD_TIMEOUT_MS = 3000;

  /**
   * How long the session counts wait for a pool's own threads: many of the agent's export intervals
   * (TransparencyIT exports every 100 ms), and time for a loaded machine to schedule the pool.
   */
  private static final int SETTLE_MS = 2000;

  /**
   * How long the count at the end waits for the pools' own threads to close what they hold. Every
   * case gets there, so this only bounds a wait that ends as soon as the count is 0; 2 s was short
   * for a pool thread on a machine at load 30, and a count taken before that thread ran differs
   * from the run without the agent and from the open count the agent exports at exit.
   */
  private static final int CLOSE_SETTLE_MS = 30_000;

  private final ExecutorService other = Executors.newSingleThreadExecutor();
  private Borrowing main;
  private Connection probe;
  private int calls;
  private int failed;

  private TransparencyApp() {}

  public static void main(String[] argv) throws Exception {
    System.setProperty("com.mchange.v2.log.MLog", "com.mchange.v2.log.FallbackMLog");
    // c3p0 checks a closed connection back in on a helper thread by default, so whether the
    // borrow right after a close finds it idle is a race c3p0 runs with itself (a pre-interrupted
    // getConnection then either returns or throws, with or without the agent).
    System.setProperty("c3p0.forceSynchronousCheckins", "true");
    new TransparencyApp().run(argv[0]);
  }

  private static AppPools.Spec spec(String url, String password, String name) {
    AppPools.Spec s = new AppPools.Spec();
    s.url = url;
    s.user = USER;
    s.password = password;
    s.max = 1;
    s.minIdle = 1;
    s.timeoutMs = TIMEOUT_MS;
    s.name = name;
    return s;
  }

  private void run(String kind) throws Exception {
    probe = DriverManager.getConnection(URL, USER, PASSWORD);
    main = Borrowing.of(kind, spec(URL, PASSWORD, "transparency-pool"));
    DataSource ds = main.dataSource();
    // c3p0, DBCP2, Tomcat, H2's pool and UCP open nothing until the first borrow; whatever the
    // pool does, nobody else (an agent reading its figures) may start it earlier. Agroal opens its
    // minimum on a thread of its own, so this waits for the one connection a pool may open.
    step("sessions before the first getConnection", () -> sessions(n -> n >= 1, SETTLE_MS));
    step("warm-up lease", this::warmUp);

    if (ds == null) {
      step("data source steps", () -> "none: DriverManager has no data source");
    } else {
      dataSourceSteps(ds);
    }

    Connection c = get();
    connectionSteps(c);
    step("timeout while the only connection is held", this::use);
    step("interrupted wait", this::interruptedWait);
    step("interrupt status cleared for the next step", Thread::interrupted);
    afterCloseSteps(c);

    step("lease after the other thread's close", this::use);
    step(
        "pre-interrupted getConnection",
        () -> {
          Thread.currentThread().interrupt();
          return use();
        });
    step("interrupt status cleared", Thread::interrupted);
    step(
        "getConnection(user, password)",
        () -> {
          Connection u = counted(() -> main.get(USER, PASSWORD));
          try (u) {
            return u.isValid(1);
          }
        });
    // Last before closing the pool: some pools never give an aborted connection back.
    abortSteps();
    main.close();
    step("getConnection on a closed pool", this::use);
    step(
        "close a closed pool",
        () -> {
          main.close();
          return "closed";
        });
    step(
        "driver refuses the password",
        () -> {
          AppPools.Spec spec =
              spec("jdbc:h2:mem:transparency;IFEXISTS=TRUE", "wrong", "bad-password-pool");
          // Agroal opens on a thread of its own and passes the driver's refusal on, unless the
          // borrow timed out first on a loaded machine.
          spec.timeoutMs = BAD_PASSWORD_TIMEOUT_MS;
          try (Borrowing bad = Borrowing.of(kind, spec);
              Connection b = bad.get()) {
            return b.isValid(1);
          }
        });
    other.shutdownNow();
    // Some pools close their connections on threads of their own.
    int left = sessions(n -> n == 0, CLOSE_SETTLE_MS);
    probe.close();
    step("sessions left open at the end", () -> left);
    System.out.println("T end");
    System.out.println("F calls=" + calls + " failed=" + failed);
    System.out.println("F sessionsLeft=" + left);
  }

  private void dataSourceSteps(DataSource ds) {
    Class<?> own = ds.getClass();
    Class<?> driverDs = org.h2.jdbcx.JdbcDataSource.class;
    step("ds.isWrapperFor(DataSource)", () -> ds.isWrapperFor(DataSource.class));
    step("ds.isWrapperFor(own class)", () -> ds.isWrapperFor(own));
    step("ds.unwrap(own class) is ds", () -> ds.unwrap(own) == ds);
    step("ds.isWrapperFor(JdbcDataSource)", () -> ds.isWrapperFor(driverDs));
    step("ds.unwrap(JdbcDataSource) class", () -> ds.unwrap(driverDs).getClass().getName());
    step("ds.isWrapperFor(String)", () -> ds.isWrapperFor(String.class));
    step("ds.unwrap(String)", () -> ds.unwrap(String.class));
    step("ds.getLoginTimeout", ds::getLoginTimeout);
    step("ds.getParentLogger", () -> ds.getParentLogger().getName());
  }

  private void connectionSteps(Connection c) {
    Class<?> driverConn = org.h2.jdbc.JdbcConnection.class;
    step("conn.isWrapperFor(Connection)", () -> c.isWrapperFor(Connection.class));
    step("conn.unwrap(Connection) class", () -> c.unwrap(Connection.class).getClass().getName());
    step("conn.isWrapperFor(JdbcConnection)", () -> c.isWrapperFor(driverConn));
    step("conn.unwrap(JdbcConnection) class", () -> c.unwrap(driverConn).getClass().getName());
    step("conn.isWrapperFor(String)", () -> c.isWrapperFor(String.class));
    step("conn.unwrap(String)", () -> c.unwrap(String.class));
    step(
        "bad SQL",
        () -> {
          try (Statement st = c.createStatement()) {
            return st.execute("select * from no_such_table");
          }
        });
    step(
        "bad prepared SQL",
        () -> {
          try (PreparedStatement ps = c.prepareStatement("select nothing from")) {
            return ps.execute();
          }
        });
    step(
        "duplicate key",
        () -> {
          try (Statement st = c.createStatement()) {
            st.execute("create table if not exists t (id int primary key)");
            st.execute("insert into t values (1)");
            return st.execute("insert into t values (1)");
          }
        });
    step("usable after driver errors", () -> selectOne(c));
    step("autoCommit", c::getAutoCommit);
    step("isValid while open", () -> c.isValid(1));
  }

  /**
   * A waiter interrupted while parked inside getConnection (its only timed wait). An attempt whose
   * interrupt came late (the interrupter thread was not scheduled for half the borrow timeout, on a
   * loaded machine) is repeated, so both runs report an interrupt that reached the pool's wait.
   */
  private Object interruptedWait() throws Exception {
    for (int attempt = 1; ; attempt++) {
      long start = System.nanoTime();
      AtomicLong firedAfter = new AtomicLong(-1);
      try {
        Object r = interruptOnce(firedAfter);
        if (!late(firedAfter, start) || attempt == 3) {
          return r;
        }
      } catch (Exception e) {
        if (!late(firedAfter, start) || attempt == 3) {
          throw e;
        }
      }
      Thread.interrupted(); // a late interrupt is not part of the outcome
    }
  }

  private static boolean late(AtomicLong firedAfter, long start) {
    return firedAfter.get() - start > TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS / 2);
  }

  private Object interruptOnce(AtomicLong firedAt) throws Exception {
    Thread waiter = Thread.currentThread();
    AtomicBoolean done = new AtomicBoolean();
    other.submit(
        () -> {
          // Interrupts only a parked waiter, and never after the call returned: a pool that does
          // not park, or no pool at all, is not interrupted.
          while (!done.get()) {
            if (waiter.getState() == Thread.State.TIMED_WAITING) {
              synchronized (done) {
                if (!done.get()) {
                  firedAt.set(System.nanoTime());
                  waiter.interrupt();
                }
              }
              return null;
            }
            Thread.sleep(1); // polling the waiter's state
          }
          return null;
        });
    try {
      return use();
    } finally {
      // Not waiting for the interrupter (an interruptible wait would consume the interrupt under
      // test): once done is set under the lock, it can no longer interrupt.
      synchronized (done) {
        done.set(true);
      }
    }
  }

  private void afterCloseSteps(Connection c) throws Exception {
    Statement st = c.createStatement();
    ResultSet rs = st.executeQuery("select x from system_range(1, 3)");
    step("first row before close", () -> rs.next() + " " + rs.getInt(1));
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
    step("isValid after close", () -> c.isValid(1));
    step("statement.isClosed after close", st::isClosed);
    step("statement.executeQuery after close", () -> st.executeQuery("select 1").next());
    step("resultSet.next after close", rs::next);
    step("resultSet.isClosed after close", rs::isClosed);
    step("createStatement after close", c::createStatement);
  }

  private void abortSteps() {
    step(
        "abort(null)",
        () -> {
          try (Connection a = get()) {
            a.abort(null);
            return a.isClosed();
          }
        });
    step(
        "abort",
        () -> {
          Connection a = get();
          a.abort(Runnable::run);
          boolean closed = a.isClosed();
          a.close();
          return closed;
        });
    step("lease after abort", this::use);
  }

  private Connection get() throws SQLException {
    return counted(main::get);
  }

  private Connection counted(Borrowing.Open open) throws SQLException {
    calls++;
    boolean ok = false;
    try {
      Connection c = open.open();
      ok = true;
      return c;
    } finally {
      if (!ok) {
        failed++;
      }
    }
  }

  /**
   * The first lease, repeated while it times out: c3p0 and Agroal open their first connection on
   * threads of their own, which a loaded machine may not schedule within the borrow timeout.
   */
  private String warmUp() throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return use();
      } catch (SQLException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private String use() throws SQLException {
    try (Connection c = get()) {
      return selectOne(c);
    }
  }

  private static String selectOne(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      return "select 1 -> " + st.execute("select 1");
    }
  }

  /**
   * Sessions the database has open besides the probe's own, once {@code settled} holds or after
   * {@code settleMs}. The probe is one connection held for the whole run, so H2 numbers the pool's
   * connections ("conn2") the same in every run however often this polls.
   */
  private int sessions(IntPredicate settled, int settleMs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMs);
    while (true) {
      int n = sessions();
      if (settled.test(n) || System.nanoTime() > deadline) {
        return n;
      }
      Thread.sleep(50);
    }
  }

  private int sessions() throws SQLException {
    try (Statement st = probe.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from information_schema.sessions")) {
      rs.next();
      return rs.getInt(1) - 1;
    }
  }

  private static void step(String name, Callable<?> action) {
    String outcome;
    try {
      outcome = "returned " + action.call();
    } catch (Throwable t) {
      Throwable e = t instanceof ExecutionException ? t.getCause() : t;
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
    String line =
        "T "
            + name
            + ": "
            + outcome
            + " (interrupted="
            + Thread.currentThread().isInterrupted()
            + ")";
    System.out.println(line.replace('\n', ' '));
    System.out.flush();
  }
}
