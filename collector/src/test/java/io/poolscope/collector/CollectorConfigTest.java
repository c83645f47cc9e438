package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One YAML file, every key overridable from the environment, hard errors naming key and value. */
class CollectorConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsWithNoFileAtAll() {
    CollectorConfig c = CollectorConfig.load(null, Map.of());
    assertThat(c.port()).isEqualTo(4318);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.storeUrl()).isEqualTo("jdbc:h2:file:./data/poolscope");
    assertThat(c.exportInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.ingestToken()).isEmpty();
    assertThat(c.databases()).isEmpty();
  }

  @Test
  void yamlFileWithEnvironmentOverrides() throws Exception {
    Path file = dir.resolve("poolscope.yaml");
    Files.writeString(
        file,
        """
        server:
          port: 9999
        ingest:
          token: from-file
          maxBodyBytes: 2MiB
        fleet:
          exportInterval: 15s
        store:
          url: jdbc:postgresql://db/poolscope
          retention: 7d
        budget:
          headroom: 5
        databases:
          - id: postgresql_db1_5432_app
            maxConnections: 200
            reserved: 3
          - id: mysql_db2_3306_shop
            probe:
              url: jdbc:mysql://db2:3306/shop
              user: monitor
        services:
          - name: payments
            maxReplicas: 12
        """);
    CollectorConfig c =
        CollectorConfig.load(
            file,
            Map.of(
                "POOLSCOPE_STORE_URL", "jdbc:h2:mem:x",
                "POOLSCOPE_INGEST_TOKEN", "from-env",
                "POOLSCOPE_DATABASES_1_PROBE_PASSWORD", "pw",
                "POOLSCOPE_DATABASES_0_MAX_CONNECTIONS", "300",
                "POOLSCOPE_SERVICES_0_MAX_REPLICAS", "20",
                "PATH", "/usr/bin"));
    assertThat(c.port()).isEqualTo(9999);
    assertThat(c.storeUrl()).isEqualTo("jdbc:h2:mem:x");
    assertThat(c.ingestToken()).contains("from-env");
    assertThat(c.maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
    assertThat(c.exportInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.storeRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(c.headroom()).isEqualTo(5);
    assertThat(c.databases().get(0).maxConnections()).isEqualTo(300);
    assertThat(c.databases().get(0).reserved()).isEqualTo(3);
    assertThat(c.databases().get(1).probeUrl()).isEqualTo("jdbc:mysql://db2:3306/shop");
    assertThat(c.databases().get(1).probePassword()).isEqualTo("pw");
    assertThat(c.databases().get(1).toString()).doesNotContain("pw");
    assertThat(c.services().get(0).maxReplicas()).isEqualTo(20);
  }

  @Test
  void invalidValuesStopStartUpNamingKeyAndValue() throws Exception {
    assertThatThrownBy(() -> CollectorConfig.load(null, Map.of("POOLSCOPE_SERVER_PORT", "70000")))
        .hasMessageContaining("server.port")
        .hasMessageContaining("70000");
    assertThatThrownBy(
            () -> CollectorConfig.load(null, Map.of("POOLSCOPE_FLEET_EXPORT_INTERVAL", "soon")))
        .hasMessageContaining("fleet.exportInterval")
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> CollectorConfig.load(null, Map.of("POOLSCOPE_STORE_URL", "h2:x")))
        .hasMessageContaining("store.url")
        .hasMessageContaining("h2:x");
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "server:\n  prot: 1\n");
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .hasMessageContaining("server.prot");
    Files.writeString(file, "databases:\n  - id: 'has space'\n");
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .hasMessageContaining("databases.0.id")
        .hasMessageContaining("has space");
    Files.writeString(file, "server: [\n");
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of())).hasMessageContaining("bad.yaml");
  }

  @Test
  void notifierGroupingComesFromTheFileOrTheEnvironmentAndDefaultsWhenAbsent() throws Exception {
    Path file = dir.resolve("grouping.yaml");
    Files.writeString(
        file,
        """
        alerts:
          notifiers:
            - name: oncall
              type: pagerduty
              routingKey: k
              groupBy: [alertname, service, call_site]
              groupWait: 10s
              repeatInterval: 1h
            - name: log
              type: log
        """);
    CollectorConfig c =
        CollectorConfig.load(
            file,
            Map.of(
                "POOLSCOPE_ALERTS_NOTIFIERS_0_GROUP_INTERVAL", "2m",
                "POOLSCOPE_ALERTS_NOTIFIERS_1_GROUP_BY", "alertname, db"));
    CollectorConfig.Notifier pd = c.notifiers().get(0);
    assertThat(pd.groupBy()).containsExactly("alertname", "service", "call_site");
    assertThat(pd.groupWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(pd.groupInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(pd.repeatInterval()).isEqualTo(Duration.ofHours(1));
    CollectorConfig.Notifier log = c.notifiers().get(1);
    assertThat(log.groupBy()).containsExactly("alertname", "db");
    assertThat(log.groupWait()).isNull(); // the alerts module's default applies
    assertThat(log.repeatInterval()).isNull();
  }

  @Test
  void badNotifierGroupingNamesTheKey() throws Exception {
    Path file = dir.resolve("bad-grouping.yaml");
    Files.writeString(
        file,
        "alerts:\n  notifiers:\n    - {name: l, type: log, groupBy: [alertname, call-site]}\n");
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .hasMessage(
            "invalid configuration: alerts.notifiers.0.groupBy = 'alertname,call-site' is not"
                + " allowed");
    Files.writeString(file, "alerts:\n  notifiers:\n    - {name: l, type: log, groupWait: soon}\n");
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .hasMessage(
            "invalid configuration: alerts.notifiers.0.groupWait = 'soon' (expected a duration"
                + " such as 200ms, 10s, 5m, 2h, 30d)");
    Files.writeString(
        file, "alerts:\n  notifiers:\n    - {name: l, type: log, repeatInterval: 0s}\n");
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .hasMessage(
            "invalid configuration: alerts.notifiers.0.repeatInterval = 'PT0S' is not allowed");
    Files.writeString(file, "alerts:\n  notifiers:\n    - {name: l, type: log, groupWiat: 1s}\n");
    assertThatThrownBy(() -> CollectorConfig.load(file, Map.of()))
        .hasMessage("invalid configuration: unknown key alerts.notifiers.0.groupWiat = '1s'");
  }

  @Test
  void mainExitsWithTheMessageOnInvalidConfig() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "budget:\n  headroom: -1\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "io.poolscope.collector.Collector",
                "--config",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).isEqualTo(2);
    assertThat(out).contains("budget.headroom").contains("-1");
  }
}
