package io.poolscope.benchmarks.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.poolscope.benchmarks.internal.stub.StubDriver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.tomcat.jdbc.pool.PoolProperties;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One borrow+return cycle of a connection pool, single-threaded, as the agent's cost goal is stated
 * (issue 3, "Cost"). Which agent (none, Poolscope, OpenTelemetry) is attached is decided by the
 * fork's JVM arguments, set per configuration by {@link io.poolscope.benchmarks.AgentBench}, so
 * every configuration runs the same bytecode here.
 *
 * <p>Each scenario has its own state class: JMH only sets up the states a benchmark method uses, so
 * a fork measuring HikariCP has no DBCP2 or PostgreSQL pool (and no pool threads) beside it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PoolCycleBenchmark {

  /** System property holding the JDBC URL of the PostgreSQL server for {@link #pgLease}. */
  public static final String PG_URL_PROPERTY = "poolscope.bench.pgUrl";

  /**
   * System property: when set, each stub pool's set-up holds one connection for this many
   * milliseconds before the measurement, so an agent whose leak threshold is shorter reports a leak
   * and opens the pool family's call-site capture window for the whole fork.
   */
  public static final String LEAK_FIRST_PROPERTY = "poolscope.bench.leakFirstMs";

  /** Pool size for the stub pools: larger than one thread needs, as in a real service. */
  private static final int STUB_POOL_SIZE = 4;

  /** HikariCP over the stub driver. */
  @State(Scope.Benchmark)
  public static class HikariStub {
    HikariDataSource pool;

    /** Starts the pool and fills it, so the measured cycle never opens a connection. */
    @Setup(Level.Trial)
    public void start() throws SQLException {
      StubDriver.register();
      HikariConfig config = new HikariConfig();
      config.setPoolName("bench-hikari");
      config.setJdbcUrl(StubDriver.PREFIX + "hikari");
      config.setMaximumPoolSize(STUB_POOL_SIZE);
      config.setMinimumIdle(STUB_POOL_SIZE);
      pool = new HikariDataSource(config);
      warm(pool);
      leakFirst(pool);
    }

    /** Closes the pool. */
    @TearDown(Level.Trial)
    public void stop() {
      pool.close();
    }
  }

  /** Apache Commons DBCP2 over the stub driver, with its defaults (test on borrow: isValid). */
  @State(Scope.Benchmark)
  public static class Dbcp2Stub {
    BasicDataSource pool;

    /** Starts the pool and fills it. */
    @Setup(Level.Trial)
    public void start() throws SQLException {
      StubDriver.register();
      pool = new BasicDataSource();
      pool.setDriverClassName(StubDriver.class.getName());
      pool.setUrl(StubDriver.PREFIX + "dbcp2");
      pool.setMaxTotal(STUB_POOL_SIZE);
      pool.setMaxIdle(STUB_POOL_SIZE);
      pool.setInitialSize(STUB_POOL_SIZE);
      // Registered in JMX as containers usually do; the OpenTelemetry agent's DBCP2 metrics hook
      // JMX registration, so without it that agent would record nothing for this pool.
      pool.setJmxName("io.poolscope.bench:type=BasicDataSource,name=bench-dbcp2");
      warm(pool);
    }

    /** Closes the pool. */
    @TearDown(Level.Trial)
    public void stop() throws SQLException {
      pool.close();
    }
  }

  /** Tomcat jdbc-pool over the stub driver, with its defaults (no validation on borrow). */
  @State(Scope.Benchmark)
  public static class TomcatStub {
    org.apache.tomcat.jdbc.pool.DataSource pool;

    /** Starts the pool and fills it. */
    @Setup(Level.Trial)
    public void start() throws SQLException {
      StubDriver.register();
      PoolProperties p = new PoolProperties();
      p.setName("bench-tomcat");
      p.setDriverClassName(StubDriver.class.getName());
      p.setUrl(StubDriver.PREFIX + "tomcat");
      p.setMaxActive(STUB_POOL_SIZE);
      p.setMaxIdle(STUB_POOL_SIZE);
      p.setMinIdle(STUB_POOL_SIZE);
      p.setInitialSize(STUB_POOL_SIZE);
      pool = new org.apache.tomcat.jdbc.pool.DataSource(p);
      warm(pool);
      leakFirst(pool);
    }

    /** Closes the pool. */
    @TearDown(Level.Trial)
    public void stop() {
      pool.close();
    }
  }

  /**
   * A plain object pool that is not JDBC: what an attached agent costs code it does not instrument
   * (the "agent attached, pool not instrumented" goal). A lock-free deque rather than a blocking
   * queue: the goal is a few nanoseconds, so the cycle itself must cost only a few, or the
   * machine's noise on a costlier cycle would hide them.
   */
  @State(Scope.Benchmark)
  public static class PlainPool {
    final ArrayDeque<Object> pool = new ArrayDeque<>(STUB_POOL_SIZE);

    /** Fills the pool. */
    @Setup(Level.Trial)
    public void start() {
      for (int i = 0; i < STUB_POOL_SIZE; i++) {
        pool.add(new Object());
      }
    }
  }

  /** HikariCP over the real PostgreSQL driver against a running server, with a small table. */
  @State(Scope.Benchmark)
  public static class PgLease {
    HikariDataSource pool;
    int key;

    /** Starts the pool and creates the table the lease reads. */
    @Setup(Level.Trial)
    public void start() throws SQLException {
      String url = System.getProperty(PG_URL_PROPERTY);
      if (url == null) {
        throw new IllegalStateException(
            "pgLease needs -D" + PG_URL_PROPERTY + "=jdbc:postgresql://... (run-agent-bench.sh)");
      }
      HikariConfig config = new HikariConfig();
      config.setPoolName("bench-pg");
      config.setJdbcUrl(url);
      config.setMaximumPoolSize(2);
      config.setMinimumIdle(2);
      pool = new HikariDataSource(config);
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS bench_kv (k int PRIMARY KEY, v text NOT NULL)");
        s.execute(
            "INSERT INTO bench_kv SELECT g, md5(g::text) FROM generate_series(0, 63) g"
                + " ON CONFLICT (k) DO NOTHING");
      }
    }

    /** Closes the pool. */
    @TearDown(Level.Trial)
    public void stop() {
      pool.close();
    }
  }

  private static void warm(javax.sql.DataSource pool) throws SQLException {
    Connection[] held = new Connection[STUB_POOL_SIZE];
    for (int i = 0; i < held.length; i++) {
      held[i] = pool.getConnection();
    }
    for (Connection c : held) {
      c.close();
    }
  }

  /**
   * With {@link #LEAK_FIRST_PROPERTY} set, holds one connection that long: a leak to an agent with
   * a shorter threshold, which then captures call sites for the family (its capture window).
   */
  private static void leakFirst(javax.sql.DataSource pool) throws SQLException {
    String ms = System.getProperty(LEAK_FIRST_PROPERTY);
    if (ms == null) {
      return;
    }
    try (Connection c = pool.getConnection()) {
      Thread.sleep(Long.parseLong(ms));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** HikariCP borrow + return with the stub driver: the cycle the 0.60x goal is stated on. */
  @Benchmark
  public Connection hikariCycle(HikariStub s) throws SQLException {
    Connection c = s.pool.getConnection();
    c.close();
    return c;
  }

  /** DBCP2 borrow + return with the stub driver. */
  @Benchmark
  public Connection dbcp2Cycle(Dbcp2Stub s) throws SQLException {
    Connection c = s.pool.getConnection();
    c.close();
    return c;
  }

  /** Tomcat jdbc-pool borrow + return with the stub driver. */
  @Benchmark
  public Connection tomcatCycle(TomcatStub s) throws SQLException {
    Connection c = s.pool.getConnection();
    c.close();
    return c;
  }

  /** Borrow + return on a non-JDBC pool: nothing here is instrumented by any agent. */
  @Benchmark
  public Object plainPoolCycle(PlainPool s) {
    Object o = s.pool.pollFirst();
    s.pool.addFirst(o);
    return o;
  }

  /** A realistic lease: borrow, one primary-key query on PostgreSQL, return. */
  @Benchmark
  public String pgLease(PgLease s) throws SQLException {
    int k = s.key++ & 63;
    try (Connection c = s.pool.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT v FROM bench_kv WHERE k = ?")) {
      ps.setInt(1, k);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
