package io.poolscope.agent.internal.target;

import java.util.Objects;

/**
 * The database a connection goes to, as the semantic conventions name it. Built only from the parts
 * of a JDBC URL that identify the database; user, password and every other parameter are dropped
 * before an instance exists, so nothing built from a target can leak a credential.
 */
public final class DbTarget {

  /** A target whose URL could not be read (unknown pool, no physical open seen yet). */
  public static final DbTarget UNKNOWN = new DbTarget("other_sql", null, -1, null);

  private final String system;
  private final String address;
  private final int port;
  private final String namespace;
  private final String key;

  /**
   * Creates a target.
   *
   * @param system {@code db.system.name}
   * @param address {@code server.address}, null for embedded databases
   * @param port {@code server.port}, -1 when not applicable
   * @param namespace {@code db.namespace}, or null
   */
  public DbTarget(String system, String address, int port, String namespace) {
    this.system = system;
    this.address = address;
    this.port = port;
    this.namespace = namespace;
    this.key = system + "|" + address + "|" + port + "|" + namespace;
  }

  /**
   * The database system.
   *
   * @return e.g. postgresql
   */
  public String system() {
    return system;
  }

  /**
   * The server host.
   *
   * @return the host or null
   */
  public String address() {
    return address;
  }

  /**
   * The server port.
   *
   * @return the port or -1
   */
  public int port() {
    return port;
  }

  /**
   * The database name.
   *
   * @return the name or null
   */
  public String namespace() {
    return namespace;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DbTarget && ((DbTarget) o).key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return key;
  }

  /**
   * Null-safe equality.
   *
   * @param a one target
   * @param b another
   * @return whether both name the same database
   */
  public static boolean same(DbTarget a, DbTarget b) {
    return Objects.equals(a, b);
  }
}
