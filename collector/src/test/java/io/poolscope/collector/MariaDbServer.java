package io.poolscope.collector;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away MariaDB server for one test class: Debian's {@code mariadb-server} binaries, a fresh
 * data directory and socket in a temporary directory, listening on 127.0.0.1 at a free port. Root
 * connects from 127.0.0.1 without a password. Missing binaries fail the test: CI installs them
 * ({@code .ci/run}), so a skip would only hide a broken machine.
 */
final class MariaDbServer implements AutoCloseable {
  private static final List<String> DIRS = List.of("/usr/sbin", "/usr/bin", "/usr/local/bin");

  private final Path dir;
  private final Process process;
  private final int port;
  private final Thread reaper;

  private MariaDbServer(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    // A JVM that dies before @AfterAll must not leave a server behind.
    this.reaper = new Thread(process::destroyForcibly, "mariadb-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Initialises a data directory and starts a server with this {@code max_connections} and any
   * further server options (such as {@code --max-user-connections=20}).
   */
  static MariaDbServer start(int maxConnections, String... options) throws Exception {
    Path server = find("mariadbd", "mysqld");
    Path installDb = find("mariadb-install-db", "mysql_install_db");
    Path dir = Files.createTempDirectory("poolscope-mariadb");
    Path data = dir.resolve("data");
    boolean root = "root".equals(System.getProperty("user.name"));

    List<String> install = new ArrayList<>();
    install.add(installDb.toString());
    install.add("--no-defaults");
    install.add("--datadir=" + data);
    install.add("--auth-root-authentication-method=normal");
    install.add("--skip-test-db");
    install.add("--skip-name-resolve");
    if (root) {
      install.add("--user=root");
    }
    run(install, dir.resolve("install.log"), 120);

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(server.toString());
    cmd.add("--no-defaults");
    cmd.add("--datadir=" + data);
    cmd.add("--socket=" + dir.resolve("mysqld.sock"));
    cmd.add("--pid-file=" + dir.resolve("mysqld.pid"));
    cmd.add("--tmpdir=" + dir);
    cmd.add("--log-error=" + dir.resolve("error.log"));
    cmd.add("--port=" + port);
    cmd.add("--bind-address=127.0.0.1");
    cmd.add("--skip-name-resolve");
    cmd.add("--max-connections=" + maxConnections);
    cmd.addAll(List.of(options));
    // Small memory footprint: the tests hold a few dozen connections and no data.
    cmd.add("--innodb-buffer-pool-size=16M");
    if (root) {
      // mariadbd refuses to run as root unless told to.
      cmd.add("--user=root");
    }
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("console.log").toFile())
            .start();
    MariaDbServer s = new MariaDbServer(dir, p, port);
    try {
      s.awaitReady();
    } catch (Exception | AssertionError e) {
      s.close();
      throw e;
    }
    return s;
  }

  int port() {
    return port;
  }

  /** JDBC URL of a database on this server (empty name: none selected). */
  String url(String database) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
  }

  Connection connect(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "5000");
    return DriverManager.getConnection(url(""), p);
  }

  Connection root() throws SQLException {
    return connect("root", null);
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "mariadbd exited with "
                + process.exitValue()
                + " before accepting connections:\n"
                + logs());
      }
      try (Connection c = root()) {
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(100);
      }
    }
    throw new AssertionError(
        "mariadbd on 127.0.0.1:"
            + port
            + " did not accept connections in 60 s: "
            + last
            + "\n"
            + logs());
  }

  private String logs() {
    StringBuilder b = new StringBuilder();
    for (String f : List.of("console.log", "error.log")) {
      Path p = dir.resolve(f);
      if (Files.exists(p)) {
        try {
          b.append(f).append(":\n").append(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
          b.append(f).append(": ").append(e);
        }
      }
    }
    return b.toString();
  }

  /** Stops the server (SIGTERM is mariadbd's clean shutdown) and deletes its directory. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs anyway and finds the process gone.
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  private static Path find(String... names) {
    for (String name : names) {
      for (String d : DIRS) {
        Path p = Paths.get(d, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new AssertionError(
        "MariaDB server binaries not found (looked for "
            + String.join(" or ", names)
            + " in "
            + DIRS
            + "): install Debian's mariadb-server, as .ci/run does"
            + " (apt-get install mariadb-server). MySqlProbeTest needs a real server.");
  }

  private static void run(List<String> cmd, Path log, int timeoutSeconds) throws Exception {
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd.get(0) + " did not finish in " + timeoutSeconds + " s");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(
          cmd
              + " exited with "
              + p.exitValue()
              + ":\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
  }
}
