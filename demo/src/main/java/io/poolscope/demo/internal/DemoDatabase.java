package io.poolscope.demo.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fleet's database: a real PostgreSQL (zonky's embedded binaries, no installation) with a small
 * {@code max_connections}, so the budget runs out for real and refusals carry PostgreSQL's own
 * SQLState 53300.
 *
 * <p>Two roles, as in production: the services log in as the unprivileged {@code app}, so they are
 * refused once only the superuser-reserved slots are left, while the collector's probe logs in as
 * the superuser and can still see the database when it is full. PostgreSQL refuses to run as root;
 * zonky starts it inside {@code unshare -U} (an unprivileged user namespace) when the JVM runs as
 * root, which is the supported way and needs nothing from us.
 */
public final class DemoDatabase implements AutoCloseable {
  /** The database both services use: one budget, one database target. */
  public static final String DATABASE = "shop";

  /** The services' role. */
  public static final String APP_USER = "app";

  /** The services' password (the cluster trusts local connections; a real setup would not). */
  public static final String APP_PASSWORD = "app";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final int maxConnections;

  private DemoDatabase(EmbeddedPostgres postgres, Path dataDirectory, int maxConnections) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.maxConnections = maxConnections;
  }

  /**
   * Initialises and starts a cluster in {@code directory}, then creates the role, the database and
   * the services' table.
   *
   * @param directory an empty directory for the data files and the server log
   * @param port the port to listen on (chosen before start so the collector's probe can be
   *     configured first)
   * @param maxConnections PostgreSQL's {@code max_connections}
   * @return the started database
   * @throws IOException when PostgreSQL cannot be started
   */
  public static DemoDatabase start(Path directory, int port, int maxConnections)
      throws IOException {
    Path data = directory.resolve("data");
    Path log = directory.resolve("postgresql.log");
    Files.createDirectories(directory);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(true)
            .setPort(port)
            .setServerConfig("max_connections", Integer.toString(maxConnections))
            .setServerConfig("superuser_reserved_connections", "3")
            // A demo database: durability is not the point and the two cores are shared.
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("full_page_writes", "off")
            .setServerConfig("shared_buffers", "32MB")
            .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    DemoDatabase database = new DemoDatabase(postgres, data, maxConnections);
    try {
      database.createSchema();
    } catch (SQLException e) {
      database.close();
      throw new IOException("could not prepare the demo database on port " + port, e);
    }
    return database;
  }

  private void createSchema() throws SQLException {
    try (Connection admin = superuserConnection("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute(
          "create role " + APP_USER + " login password '" + APP_PASSWORD + "' nosuperuser");
      statement.execute("create database " + DATABASE + " owner " + APP_USER);
    }
    try (Connection app =
            DriverManager.getConnection(servicesJdbcUrl("setup"), APP_USER, APP_PASSWORD);
        Statement statement = app.createStatement()) {
      statement.execute("create table accounts (id int primary key, balance bigint not null)");
      statement.execute("insert into accounts select g, 0 from generate_series(1, 100) g");
    }
  }

  /**
   * The JDBC URL a service pod uses. {@code ApplicationName} makes each pod visible by name in
   * {@code pg_stat_activity}, where the probe groups clients.
   *
   * @param applicationName the pod name
   * @return the URL (no credentials in it)
   */
  public String servicesJdbcUrl(String applicationName) {
    return "jdbc:postgresql://127.0.0.1:"
        + port()
        + "/"
        + DATABASE
        + "?ApplicationName="
        + applicationName;
  }

  /**
   * The JDBC URL of the collector's probe: the superuser, so it still gets in when the services
   * have used every unreserved slot. Known before the database starts, so the collector can be
   * configured (and its URL printed) first.
   *
   * @param port the port PostgreSQL listens on
   * @return the URL, user included (the local cluster trusts it)
   */
  public static String probeJdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:"
        + port
        + "/"
        + DATABASE
        + "?user=postgres&ApplicationName=poolscope-probe";
  }

  /**
   * The probe's JDBC URL for this database.
   *
   * @return the URL
   */
  public String probeJdbcUrl() {
    return probeJdbcUrl(port());
  }

  /**
   * A new superuser connection (for the demo's own checks, never for the services).
   *
   * @param database the database to connect to
   * @return an open connection; the caller closes it
   * @throws SQLException when PostgreSQL refuses it
   */
  public Connection superuserConnection(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:"
            + port()
            + "/"
            + database
            + "?user=postgres&ApplicationName=poolscope-demo",
        "postgres",
        "");
  }

  /**
   * PostgreSQL's own count of the services' connections: client backends of the {@code app} role in
   * {@code pg_stat_activity}.
   *
   * @return the count
   * @throws SQLException when the query fails
   */
  public int servicesConnections() throws SQLException {
    try (Connection admin = superuserConnection(DATABASE);
        Statement statement = admin.createStatement();
        ResultSet count =
            statement.executeQuery(
                "select count(*) from pg_stat_activity where usename = '"
                    + APP_USER
                    + "' and backend_type = 'client backend'")) {
      count.next();
      return count.getInt(1);
    }
  }

  /**
   * The port PostgreSQL listens on.
   *
   * @return the port
   */
  public int port() {
    return postgres.getPort();
  }

  /**
   * The configured {@code max_connections}.
   *
   * @return the limit
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * The postmaster's pid, read from its pid file, for the end-of-demo check that nothing is left.
   *
   * @return the pid, or empty when the server is not running
   */
  public OptionalLong postmasterPid() {
    try {
      List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
      return lines.isEmpty()
          ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Stops PostgreSQL ({@code pg_ctl stop -m fast}) and removes its data directory. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop PostgreSQL on port " + port(), e);
    }
  }
}
