package io.poolscope.agent.internal.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;

/**
 * The limit named by each refusal, from the exceptions the drivers throw. PostgreSQL's messages are
 * also checked against a real server (ServerLimitsIT); the MySQL/MariaDB error codes are the ones
 * MariaDB 10.11 sends (MySqlProbeTest in the collector opens into both account limits).
 */
class RefusalLimitTest {

  private static SQLException pg(String message) {
    return new SQLException("FATAL: " + message, "53300");
  }

  @Test
  void postgresMessagesNameTheLimit() {
    assertThat(RefusalLimit.of(pg("too many connections for role \"payment_app\""), "postgresql"))
        .isEqualTo("role");
    assertThat(RefusalLimit.of(pg("too many connections for database \"shop\""), "postgresql"))
        .isEqualTo("database");
    assertThat(
            RefusalLimit.of(
                pg(
                    "remaining connection slots are reserved for non-replication superuser"
                        + " connections"),
                "postgresql"))
        .isEqualTo("reserved");
    assertThat(
            RefusalLimit.of(
                pg(
                    "remaining connection slots are reserved for roles with privileges of the"
                        + " \"pg_use_reserved_connections\" role"),
                "postgresql"))
        .isEqualTo("reserved");
    assertThat(RefusalLimit.of(pg("sorry, too many clients already"), "postgresql"))
        .isEqualTo("server");
    // A server that speaks another language: still a 53300, limit unknown.
    assertThat(RefusalLimit.of(pg("demasiados clientes ya"), "postgresql")).isEqualTo("unknown");
  }

  @Test
  void mysqlErrorCodesNameTheLimitOnlyForMysqlTargets() {
    SQLException server =
        new SQLNonTransientConnectionException("Too many connections", "08004", 1040);
    SQLException global = new SQLException("User app already has more than", "42000", 1203);
    SQLException own = new SQLException("User 'capped' has exceeded the", "42000", 1226);
    assertThat(RefusalLimit.of(server, "mariadb")).isEqualTo("server");
    assertThat(RefusalLimit.of(global, "mysql")).isEqualTo("account");
    assertThat(RefusalLimit.of(own, "mariadb")).isEqualTo("account");
    // Oracle's ORA-01040 is a logon error, not a connection limit.
    assertThat(RefusalLimit.of(server, "oracle")).isEqualTo("unknown");
  }

  @Test
  void aWrappedRefusalIsFoundAndOtherFailuresAreUnknown() {
    RuntimeException wrapped = new RuntimeException(pg("too many connections for role \"a\""));
    assertThat(RefusalLimit.of(wrapped, "postgresql")).isEqualTo("role");
    assertThat(
            RefusalLimit.of(
                new SQLException("password authentication failed", "28P01"), "postgresql"))
        .isEqualTo("unknown");
    assertThat(RefusalLimit.of(new IllegalStateException(), "postgresql")).isEqualTo("unknown");
  }
}
