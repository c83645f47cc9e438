package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolscope.collector.internal.server.ServerCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code servers:} section as a user writes it in the YAML file and the environment. */
class ServersConfigTest {
  @TempDir Path dir;

  @Test
  void serversAreReadFromTheFileWithAliasesAndEnvironmentOverrides() throws Exception {
    Path file = dir.resolve("poolscope.yaml");
    Files.writeString(
        file,
        """
        servers:
          - id: pg-main
            probe:
              url: jdbc:postgresql://pg.prod:5432/postgres
              user: poolscope
              password: file-pw
            aliases: [pg-prod.rds.example:5432, "10.0.0.5:5432"]
          - id: mariadb-1
            maxConnections: 151
        databases:
          - id: postgresql_pg.prod_5432_payments
        """);
    CollectorConfig c =
        CollectorConfig.load(
            file,
            Map.of(
                "POOLSCOPE_SERVERS_0_PROBE_PASSWORD", "env-pw",
                "POOLSCOPE_SERVERS_1_ALIASES", "db1:3306, db1.internal:3306"));
    assertThat(c.servers())
        .containsExactly(
            new CollectorConfig.Server(
                "pg-main",
                null,
                null,
                "jdbc:postgresql://pg.prod:5432/postgres",
                "poolscope",
                "env-pw",
                List.of("pg-prod.rds.example:5432", "10.0.0.5:5432")),
            new CollectorConfig.Server(
                "mariadb-1",
                151,
                null,
                null,
                null,
                null,
                List.of("db1:3306", "db1.internal:3306")));
    assertThat(c.servers().get(0).toString()).doesNotContain("pw");
    // The old entry is on pg-main: its probe URL names the same host and port.
    assertThat(ServerCatalog.of(c).serverOf("postgresql_pg.prod_5432_payments"))
        .isEqualTo("pg-main");
  }

  @Test
  void aBadAliasStopsStartUpNamingTheKey() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        servers:
          - id: pg-main
            maxConnections: 100
            aliases: ["pg.prod:5432", "pg/prod"]
        """);
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid configuration: servers.0.aliases.1 = 'pg/prod' (expected host:port, host or"
                + " [v6]:port: not a host name or address)");
    Files.writeString(file, "servers:\n  - id: pg\n    limit: 100\n");
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .hasMessage("invalid configuration: unknown key servers.0.limit = '100'");
  }
}
