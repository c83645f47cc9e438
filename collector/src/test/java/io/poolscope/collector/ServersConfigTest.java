package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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

  /**
   * A file written for the old per-database ids, two targets of one server with its limit on each:
   * the collector starts, the two are one server with that limit, and each database view still has
   * it. Two entries that disagree on the server's limit stop start-up with one line that says what
   * to write instead.
   */
  @Test
  void oldPerDatabaseEntriesKeepWorkingOrSayWhatToWrite() throws Exception {
    Path file = dir.resolve("old.yaml");
    Files.writeString(
        file,
        """
        server:
          host: 127.0.0.1
          port: 0
        databases:
          - id: postgresql_127.0.0.1_6543_payments
            maxConnections: 100
            reserved: 5
          - id: postgresql_127.0.0.1_6543_shop
            maxConnections: 100
            reserved: 5
        """);
    CollectorConfig config =
        CollectorConfig.load(
            file, Map.of("POOLSCOPE_STORE_URL", "jdbc:h2:file:" + dir.resolve("s")));
    try (Collector c = Collector.start(config)) {
      Http http = new Http(c);
      assertThat(
              http.postProto(
                      "/v1/metrics",
                      Otlp.request(
                          Otlp.pod("payments", "payments-1")
                              .pool("127.0.0.1:6543/payments", "main", 30, 0, 40, 0),
                          Otlp.pod("shop", "shop-1")
                              .pool("localhost:6543/shop", "main", 20, 0, 40, 0)))
                  .statusCode())
          .isEqualTo(200);
      JsonNode servers = http.json("/api/servers");
      assertThat(servers).as(servers.toString()).hasSize(1);
      JsonNode s = servers.get(0);
      assertThat(s.path("id").asText()).isEqualTo("postgresql_127.0.0.1_6543");
      assertThat(s.path("limitSource").asText()).isEqualTo("config");
      assertThat(s.path("usable").asInt()).isEqualTo(95);
      assertThat(s.path("open").asInt()).isEqualTo(50);
      // The shop agent says localhost: its own target, on the same server as the configured id.
      assertThat(s.path("targets"))
          .extracting(JsonNode::asText)
          .containsExactlyInAnyOrder(
              "postgresql_127.0.0.1_6543_payments",
              "postgresql_127.0.0.1_6543_shop",
              "postgresql_localhost_6543_shop");
      assertThat(ServerBudgetTest.row(s, "databases", "shop").path("open").asInt()).isEqualTo(20);
      JsonNode payments = http.json("/api/databases/postgresql_127.0.0.1_6543_payments");
      assertThat(payments.path("database").path("usable").asInt()).isEqualTo(95);
      assertThat(payments.path("server").asText()).isEqualTo("postgresql_127.0.0.1_6543");
    }
    Files.writeString(
        file,
        """
        databases:
          - id: postgresql_127.0.0.1_6543_payments
            maxConnections: 100
          - id: postgresql_127.0.0.1_6543_shop
            maxConnections: 200
        """);
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid configuration: databases.1.maxConnections = '200' differs from"
                + " databases.0.maxConnections = '100' on one server (postgresql_127.0.0.1_6543):"
                + " the limit is the server's; write it once under servers: with id:"
                + " postgresql_127.0.0.1_6543, maxConnections and aliases: [127.0.0.1:6543]")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
