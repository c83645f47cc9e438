package io.poolscope.collector.internal.probe;

import io.poolscope.collector.CollectorConfig;
import io.poolscope.collector.internal.server.ServerCatalog;
import io.poolscope.collector.internal.server.ServerSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe per configured server (a {@code servers:} entry, or the old {@code databases:}
 * entries of one host and port together) on its own schedule and keeps the latest result per server
 * and per old database id. Each probe keeps one monitoring connection open between readings:
 * opening one every interval would cost PostgreSQL a process fork each time. A failure closes it
 * and is reported as failed.
 *
 * <p>A reading is also taken on demand ({@link #readSoon}) when the agents' sum has run ahead of
 * the last one: pods that started and connected since, such as a rollback's replacements, are not
 * shown as agents reporting more than the database for a whole interval.
 */
public final class ProbeRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);

  private final Map<String, ProbeResult> results = new ConcurrentHashMap<>();
  private final Map<String, ProbeResult> serverResults = new ConcurrentHashMap<>();
  private final Map<String, Probe> byServer = new ConcurrentHashMap<>();
  private final List<Probe> probes = new ArrayList<>();
  private final Runnable onChange;
  private final long minGapMillis;
  private final ScheduledExecutorService executor;
  private final LongSupplier clock;
  private final int timeoutSeconds;
  private final Map<String, List<String>> databaseIds = new ConcurrentHashMap<>();
  private final BooleanSupplier active;
  private final BiConsumer<String, ProbeResult> onResult;
  private volatile boolean closing;

  /** Starts probing every configured server with a probe URL, once per server. */
  public ProbeRunner(CollectorConfig config, LongSupplier clock, Runnable onChange) {
    this(config, clock, onChange, () -> true, (server, result) -> {});
  }

  /**
   * As above, probing only while {@code active} holds (the elected replica of a shared store: one
   * monitoring session per database server, not one per replica), and handing each reading to
   * {@code onResult} (which shares it with the other replicas).
   */
  public ProbeRunner(
      CollectorConfig config,
      LongSupplier clock,
      Runnable onChange,
      BooleanSupplier active,
      BiConsumer<String, ProbeResult> onResult) {
    this.clock = clock;
    this.active = active;
    this.onResult = onResult;
    this.onChange = onChange;
    this.timeoutSeconds = (int) Math.max(1, config.probeTimeout().toSeconds());
    List<ServerSpec> servers = ServerCatalog.of(config).servers();
    long probes = servers.stream().filter(d -> d.probeUrl() != null).count();
    this.executor =
        Executors.newScheduledThreadPool(
            (int) Math.max(1, Math.min(4, probes)),
            r -> {
              Thread t = new Thread(r, "poolscope-probe");
              t.setDaemon(true);
              return t;
            });
    long every = config.probeInterval().toMillis();
    this.minGapMillis = Math.min(every, MIN_GAP_MILLIS);
    for (ServerSpec d : servers) {
      if (d.probeUrl() == null) {
        continue;
      }
      Probe p = new Probe(d);
      this.probes.add(p);
      databaseIds.put(d.id(), d.databaseIds());
      byServer.put(d.id(), p);
      executor.scheduleWithFixedDelay(() -> read(p), 0, every, TimeUnit.MILLISECONDS);
    }
  }

  private void put(String server, ProbeResult r) {
    serverResults.put(server, r);
    for (String db : databaseIds.getOrDefault(server, List.of())) {
      results.put(db, r);
    }
  }

  /**
   * Takes the readings another replica (the elected one) made, per server id; servers not
   * configured here are ignored. Returns whether any reading changed.
   */
  public boolean take(Map<String, ProbeResult> readings) {
    boolean changed = false;
    for (Map.Entry<String, ProbeResult> e : readings.entrySet()) {
      if (databaseIds.containsKey(e.getKey())
          && !e.getValue().equals(serverResults.get(e.getKey()))) {
        put(e.getKey(), e.getValue());
        changed = true;
      }
    }
    return changed;
  }

  /** The least time between two readings of one server on demand. */
  static final long MIN_GAP_MILLIS = 1000;

  /**
   * Takes a reading of {@code serverId} now, off the caller's thread, unless one started within the
   * last second (or the probe interval, if shorter) or is already queued: the caller saw the
   * agents' sum run ahead of the last reading. Unknown or unprobed servers are ignored, and so is
   * every call on a follower replica.
   */
  public void readSoon(String serverId) {
    Probe p = byServer.get(serverId);
    if (p == null
        || closing
        || !active.getAsBoolean()
        || clock.getAsLong() - p.lastStart < minGapMillis
        || !p.queued.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            p.queued.set(false);
            read(p);
          });
    } catch (RejectedExecutionException e) {
      p.queued.set(false); // stopping
    }
  }

  /**
   * One reading, published for the server and each of its old database ids and shared with the
   * other replicas. A follower holds no monitoring session: it would take a connection slot for
   * nothing; it shows the leader's readings ({@link #take}).
   */
  private void read(Probe p) {
    if (!active.getAsBoolean()) {
      p.closeQuietly();
      return;
    }
    ProbeResult r;
    synchronized (p.reading) {
      p.lastStart = clock.getAsLong();
      r = p.run();
    }
    put(p.db.id(), r);
    onResult.accept(p.db.id(), r);
    onChange.run();
  }

  /**
   * Latest result per old {@code databases:} id: every id of one server has that server's one
   * reading. Targets without a probe are absent.
   */
  public Map<String, ProbeResult> results() {
    return Map.copyOf(results);
  }

  /** Latest result per server id ({@link ServerCatalog}); servers without a probe are absent. */
  public Map<String, ProbeResult> serverResults() {
    return Map.copyOf(serverResults);
  }

  /**
   * Stops probing and ends the monitoring sessions, also those of probes still in a reading: left
   * open, each would hold one of the database's connection slots until a garbage collection happens
   * to close its socket, or until the server's idle timeout (8 hours on MySQL).
   */
  @Override
  public void close() {
    closing = true;
    executor.shutdownNow();
    try {
      executor.awaitTermination(timeoutSeconds + 1L, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A probe still reading (a slow database, a busy machine) has its connection closed under
    // it: its reading fails, and a connection it opens after this is closed at once (adopt).
    for (Probe p : probes) {
      p.closeQuietly();
    }
  }

  private final class Probe {
    private final ServerSpec db;
    private final DatabaseProbe kind;
    // One reading at a time (the schedule's and one on demand share the connection); not the
    // monitor of this, which close() takes to end a reading under way.
    private final Object reading = new Object();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile long lastStart = Long.MIN_VALUE / 2;
    private Connection connection; // guarded by this: the runner's close() ends it too

    Probe(ServerSpec db) {
      this.db = db;
      this.kind = DatabaseProbe.forUrl(db.probeUrl());
    }

    ProbeResult run() {
      long now = clock.getAsLong();
      if (kind == null) {
        return ProbeResult.failed(
            now, "unsupported database for probe URL " + redact(db.probeUrl()));
      }
      try {
        Connection c = current();
        if (c == null || !c.isValid(timeoutSeconds)) {
          closeQuietly();
          c = connect();
          if (!adopt(c)) {
            return ProbeResult.failed(now, "the collector is stopping");
          }
        }
        return kind.read(c, timeoutSeconds, now);
      } catch (SQLException | RuntimeException e) {
        closeQuietly();
        String msg = scrub(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        if (!closing) {
          // Named as configured: the old databases: ids where the server came from those.
          LOG.warn(
              "probe of {} failed: {}",
              db.databaseIds().isEmpty() ? db.id() : String.join(", ", db.databaseIds()),
              msg);
        }
        return ProbeResult.failed(now, msg);
      } finally {
        if (Thread.currentThread().isInterrupted()) {
          closeQuietly();
        }
      }
    }

    /**
     * Drivers quote the URL in some messages ("No suitable driver found for jdbc:...") and the URL
     * may carry credentials: the message goes to the API and the log only without them.
     */
    private String scrub(String msg) {
      String out = msg.replace(db.probeUrl(), redact(db.probeUrl()));
      String pw = db.probePassword();
      return pw == null || pw.isEmpty() ? out : out.replace(pw, "***");
    }

    private Connection connect() throws SQLException {
      Properties p = new Properties();
      if (db.probeUser() != null) {
        p.setProperty("user", db.probeUser());
      }
      if (db.probePassword() != null) {
        p.setProperty("password", db.probePassword());
      }
      String t = Integer.toString(timeoutSeconds);
      if (db.probeUrl().startsWith("jdbc:postgresql:")) {
        p.setProperty("connectTimeout", t);
        p.setProperty("socketTimeout", Integer.toString(timeoutSeconds * 2));
        p.setProperty("ApplicationName", "poolscope-probe");
      } else {
        p.setProperty("connectTimeout", Integer.toString(timeoutSeconds * 1000));
        p.setProperty("socketTimeout", Integer.toString(timeoutSeconds * 2000));
      }
      return DriverManager.getConnection(db.probeUrl(), p);
    }

    private synchronized Connection current() {
      return connection;
    }

    /** Keeps a new connection, unless the runner is closing: then it is closed at once. */
    private boolean adopt(Connection c) {
      synchronized (this) {
        if (!closing) {
          connection = c;
          return true;
        }
      }
      closeConnection(c);
      return false;
    }

    private void closeQuietly() {
      Connection c;
      synchronized (this) {
        c = connection;
        connection = null;
      }
      if (c != null) {
        closeConnection(c);
      }
    }

    private static void closeConnection(Connection c) {
      try {
        c.close();
      } catch (SQLException e) {
        // Already broken; nothing to release.
      }
    }
  }

  /** A JDBC URL without its parameters and user info, either of which may hold a password. */
  static String redact(String url) {
    String out = url.replaceAll("//[^/?;@]*@", "//...@");
    int q = out.indexOf('?');
    int semi = out.indexOf(';');
    int cut = q < 0 ? semi : semi < 0 ? q : Math.min(q, semi);
    return cut < 0 ? out : out.substring(0, cut) + out.charAt(cut) + "...";
  }
}
