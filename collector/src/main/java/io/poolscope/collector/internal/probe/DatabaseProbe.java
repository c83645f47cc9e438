package io.poolscope.collector.internal.probe;

import java.sql.Connection;
import java.sql.SQLException;

/** Reads one kind of database's connection limit and its own count of client connections. */
interface DatabaseProbe {

  /** Runs the queries on an open monitoring connection. */
  ProbeResult read(Connection c, int timeoutSeconds, long now) throws SQLException;

  /** The probe for a JDBC URL, or null when the database kind is not supported. */
  static DatabaseProbe forUrl(String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return new PostgresProbe();
    }
    if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
      return new MySqlProbe();
    }
    return null;
  }
}
