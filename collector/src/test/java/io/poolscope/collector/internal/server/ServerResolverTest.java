package io.poolscope.collector.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolscope.collector.CollectorConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Targets to servers: by configured endpoints and aliases, by probe identity, by address (the
 * loopback names are one), and the old per-database ids mapped to their server.
 */
class ServerResolverTest {

  /** Names of this test's pretend network; literals and localhost go to the JVM's resolver. */
  static final Map<String, String> NAMES =
      Map.of(
          "pg.prod", "10.0.0.5",
          "pg-prod.rds.example", "10.0.0.5",
          "pg-replica", "10.0.0.6");

  static final ServerResolver.Dns DNS =
      host -> {
        String a = NAMES.get(host);
        if (a != null) {
          try {
            return List.of(InetAddress.getByName(a));
          } catch (UnknownHostException e) {
            throw new AssertionError(e);
          }
        }
        if (host.equals("localhost") || host.matches("[0-9.]+|.*:.*")) {
          return ServerResolver.SYSTEM_DNS.lookup(host);
        }
        return List.of();
      };

  static ServerCatalog catalog(CollectorConfig.Builder b) {
    return ServerCatalog.of(b.build());
  }

  @Test
  void loopbackNamesAreOneServer() {
    ServerResolver r = new ServerResolver(catalog(CollectorConfig.builder()), Map.of(), DNS);
    ServerResolver.Resolution a = r.resolve("postgresql", "localhost", 5432, "payments");
    ServerResolver.Resolution b = r.resolve("postgresql", "127.0.0.1", 5432, "orders");
    ServerResolver.Resolution c = r.resolve("postgresql", "::1", 5432, "orders");
    assertThat(a).isEqualTo(new ServerResolver.Resolution("postgresql_localhost_5432", "address"));
    assertThat(b).isEqualTo(a);
    assertThat(c).isEqualTo(a);
    // Another port of the same machine is another server.
    assertThat(r.resolve("postgresql", "127.0.0.1", 5433, "x").serverId())
        .isEqualTo("postgresql_localhost_5433");
    // No port: the system's default.
    assertThat(r.resolve("postgresql", "localhost", 0, "x").serverId())
        .isEqualTo("postgresql_localhost_5432");
  }

  @Test
  void namesOfOneAddressAreOneServerAndUnknownNamesStayAsWritten() {
    ServerResolver r = new ServerResolver(catalog(CollectorConfig.builder()), Map.of(), DNS);
    assertThat(r.resolve("postgresql", "pg.prod", 5432, "a"))
        .isEqualTo(new ServerResolver.Resolution("postgresql_10.0.0.5_5432", "address"));
    assertThat(r.resolve("postgresql", "PG-PROD.rds.example", 5432, "b").serverId())
        .isEqualTo("postgresql_10.0.0.5_5432");
    assertThat(r.resolve("postgresql", "nowhere.invalid", 5432, "c"))
        .isEqualTo(new ServerResolver.Resolution("postgresql_nowhere.invalid_5432", "name"));
    assertThat(r.resolve("h2", null, -1, "mem1"))
        .isEqualTo(new ServerResolver.Resolution("h2_mem1", "embedded"));
  }

  @Test
  void aConfiguredServerTakesItsAliasesAndEveryNameOfTheirAddresses() {
    ServerCatalog c =
        catalog(
            CollectorConfig.builder()
                .servers(
                    List.of(
                        CollectorConfig.Server.withLimit(
                            "pg-main", 200, "pg.prod:5432", "db.internal"))));
    ServerResolver r = new ServerResolver(c, Map.of(), DNS);
    assertThat(r.resolve("postgresql", "pg.prod", 5432, "payments"))
        .isEqualTo(new ServerResolver.Resolution("pg-main", "configured"));
    // Same address as the alias, another name: the same server.
    assertThat(r.resolve("postgresql", "pg-prod.rds.example", 5432, "orders").serverId())
        .isEqualTo("pg-main");
    // An alias without a port matches its host at any port.
    assertThat(r.resolve("postgresql", "db.internal", 6432, "x").serverId()).isEqualTo("pg-main");
    assertThat(r.resolve("postgresql", "pg.prod", 5433, "x").serverId())
        .isEqualTo("postgresql_10.0.0.5_5433");
    assertThat(r.resolve("postgresql", "pg-replica", 5432, "x").serverId())
        .isEqualTo("postgresql_10.0.0.6_5432");
  }

  @Test
  void serversWhoseProbesReportOneIdentityAreTheFirstOfThem() {
    ServerCatalog c =
        catalog(
            CollectorConfig.builder()
                .servers(
                    List.of(
                        CollectorConfig.Server.withProbe(
                            "pg-a", "jdbc:postgresql://pg.prod:5432/postgres", "m", null),
                        CollectorConfig.Server.withProbe(
                            "pg-b", "jdbc:postgresql://pg-vip:5432/postgres", "m", null),
                        CollectorConfig.Server.withProbe(
                            "pg-c", "jdbc:postgresql://pg-replica:5432/postgres", "m", null))));
    Map<String, String> identities =
        Map.of(
            "pg-a", "postgresql:7714591306775496515:5432",
            "pg-b", "postgresql:7714591306775496515:5432",
            "pg-c", "postgresql:7714591306775496515:5433");
    ServerResolver r = new ServerResolver(c, identities, DNS);
    assertThat(r.resolve("postgresql", "pg.prod", 5432, "a"))
        .isEqualTo(new ServerResolver.Resolution("pg-a", "configured"));
    assertThat(r.resolve("postgresql", "pg-vip", 5432, "a"))
        .isEqualTo(new ServerResolver.Resolution("pg-a", "probe"));
    assertThat(r.resolve("postgresql", "pg-replica", 5432, "a"))
        .isEqualTo(new ServerResolver.Resolution("pg-c", "configured"));
  }

  @Test
  void oldDatabaseEntriesMapToTheirServer() {
    ServerCatalog c =
        catalog(
            CollectorConfig.builder()
                .servers(List.of(CollectorConfig.Server.withLimit("pg-main", 200, "pg.prod:5432")))
                .databases(
                    List.of(
                        new CollectorConfig.Database(
                            "postgresql_pg.prod_5432_payments", null, null, null, null, null),
                        CollectorConfig.Database.withLimit("postgresql_localhost_5432_a", 100),
                        CollectorConfig.Database.withLimit("postgresql_localhost_5432_b", 100),
                        CollectorConfig.Database.withProbe(
                            "m", "jdbc:mariadb://127.0.0.1:3306/", "poolscope", "pw"))));
    assertThat(c.serverOf("postgresql_pg.prod_5432_payments")).isEqualTo("pg-main");
    assertThat(c.serverOf("postgresql_localhost_5432_a")).isEqualTo("postgresql_localhost_5432");
    assertThat(c.serverOf("postgresql_localhost_5432_b")).isEqualTo("postgresql_localhost_5432");
    assertThat(c.serverOf("m")).isEqualTo("m");
    assertThat(c.servers())
        .extracting(ServerSpec::id, ServerSpec::maxConnections, ServerSpec::databaseIds)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "pg-main", 200, List.of("postgresql_pg.prod_5432_payments")),
            org.assertj.core.groups.Tuple.tuple(
                "postgresql_localhost_5432",
                100,
                List.of("postgresql_localhost_5432_a", "postgresql_localhost_5432_b")),
            org.assertj.core.groups.Tuple.tuple("m", null, List.of("m")));
    ServerResolver r = new ServerResolver(c, Map.of(), DNS);
    // The implied server of the old entries is every loopback name of that port.
    assertThat(r.resolve("postgresql", "127.0.0.1", 5432, "c"))
        .isEqualTo(new ServerResolver.Resolution("postgresql_localhost_5432", "configured"));
  }

  @Test
  void oldEntriesThatDisagreeOnTheServersLimitSayWhatToWrite() {
    assertThatThrownBy(
            () ->
                CollectorConfig.builder()
                    .databases(
                        List.of(
                            CollectorConfig.Database.withLimit("postgresql_pg.prod_5432_a", 100),
                            CollectorConfig.Database.withLimit("postgresql_pg.prod_5432_b", 50)))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid configuration: databases.1.maxConnections = '50' differs from"
                + " databases.0.maxConnections = '100' on one server (postgresql_pg.prod_5432):"
                + " the limit is the server's; write it once under servers: with id:"
                + " postgresql_pg.prod_5432, maxConnections and aliases: [pg.prod:5432]");
    assertThatThrownBy(
            () ->
                CollectorConfig.builder()
                    .servers(
                        List.of(CollectorConfig.Server.withLimit("pg-main", 200, "pg.prod:5432")))
                    .databases(
                        List.of(
                            CollectorConfig.Database.withLimit(
                                "postgresql_pg.prod_5432_payments", 100)))
                    .build())
        .hasMessage(
            "invalid configuration: databases.0 (postgresql_pg.prod_5432_payments) is on server"
                + " 'pg-main' of servers.0: set maxConnections, reserved and probe there, once,"
                + " and remove them from databases.0");
  }

  @Test
  void badServerEntriesNameTheirKey() {
    assertThatThrownBy(
            () ->
                CollectorConfig.builder()
                    .servers(List.of(CollectorConfig.Server.withLimit("pg", 10, "pg:99999")))
                    .build())
        .hasMessage(
            "invalid configuration: servers.0.aliases.0 = 'pg:99999' (expected host:port, host or"
                + " [v6]:port: port '99999' is not 1-65535)");
    assertThatThrownBy(
            () ->
                CollectorConfig.builder()
                    .servers(
                        List.of(
                            CollectorConfig.Server.withLimit("pg", 10),
                            CollectorConfig.Server.withLimit("pg", 20)))
                    .build())
        .hasMessage(
            "invalid configuration: servers.1.id (a second server with this id) = 'pg' is not"
                + " allowed");
    assertThatThrownBy(
            () ->
                CollectorConfig.builder()
                    .servers(List.of(CollectorConfig.Server.withLimit("pg", 0)))
                    .build())
        .hasMessage("invalid configuration: servers.0.maxConnections = '0' is not allowed");
  }

  @Test
  void endpointsParseEveryForm() {
    assertThat(Endpoint.parse("PG.Prod:5432")).isEqualTo(new Endpoint("pg.prod", 5432));
    assertThat(Endpoint.parse("[::1]:5432")).isEqualTo(new Endpoint("::1", 5432));
    assertThat(Endpoint.parse("::1")).isEqualTo(new Endpoint("::1", 0));
    assertThat(Endpoint.parse("db")).isEqualTo(new Endpoint("db", 0));
    assertThat(Endpoint.ofJdbcUrl("jdbc:postgresql://u:p@pg.prod/db?x=1"))
        .isEqualTo(new Endpoint("pg.prod", 5432));
    assertThat(Endpoint.ofJdbcUrl("jdbc:mariadb://127.0.0.1:3307/"))
        .isEqualTo(new Endpoint("127.0.0.1", 3307));
  }
}
