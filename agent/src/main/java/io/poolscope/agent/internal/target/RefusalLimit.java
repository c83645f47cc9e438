package io.poolscope.agent.internal.target;

import java.sql.SQLException;

/**
 * Which of the database's limits refused a physical open ({@code poolscope.refused.limit}), read
 * from the driver's exception: PostgreSQL's SQLState 53300 and its message, MySQL/MariaDB's error
 * codes. The message is only matched here; it never leaves the JVM. A server that sends its
 * messages in another language ({@code lc_messages}) gives {@link #UNKNOWN} for 53300.
 */
public final class RefusalLimit {
  /** max_connections: PostgreSQL "sorry, too many clients already", MySQL 1040. */
  public static final String SERVER = "server";

  /** The slots reserved for superusers (or pg_use_reserved_connections, PostgreSQL 16+). */
  public static final String RESERVED = "reserved";

  /** The role's CONNECTION LIMIT (pg_roles.rolconnlimit). */
  public static final String ROLE = "role";

  /** The database's CONNECTION LIMIT (pg_database.datconnlimit). */
  public static final String DATABASE = "database";

  /** MySQL/MariaDB max_user_connections: global (1203) or the account's own (1226). */
  public static final String ACCOUNT = "account";

  /** Any other refusal, or one whose limit the exception does not tell. */
  public static final String UNKNOWN = "unknown";

  private RefusalLimit() {}

  /**
   * The limit that refused an open.
   *
   * @param thrown what the open threw
   * @param system the target's {@code db.system.name}: MySQL error codes are only read for mysql
   *     and mariadb (other drivers reuse the numbers: Oracle's ORA-01040 is a logon error)
   * @return one of the constants of this class
   */
  public static String of(Throwable thrown, String system) {
    boolean mysql = "mysql".equals(system) || "mariadb".equals(system);
    Throwable t = thrown;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (!(t instanceof SQLException)) {
        continue;
      }
      SQLException e = (SQLException) t;
      if ("53300".equals(e.getSQLState())) {
        return postgres(e.getMessage());
      }
      if (mysql) {
        switch (e.getErrorCode()) {
          case 1040:
            return SERVER;
          case 1203:
          case 1226:
            return ACCOUNT;
          default:
            break;
        }
      }
    }
    return UNKNOWN;
  }

  private static String postgres(String message) {
    if (message == null) {
      return UNKNOWN;
    }
    if (message.contains("too many connections for role")) {
      return ROLE;
    }
    if (message.contains("too many connections for database")) {
      return DATABASE;
    }
    if (message.contains("remaining connection slots are reserved")) {
      return RESERVED;
    }
    if (message.contains("sorry, too many clients already")) {
      return SERVER;
    }
    return UNKNOWN;
  }
}
