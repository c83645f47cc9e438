package io.poolscope.alerts;

import static io.poolscope.alerts.Samples.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** The exported rule file, checked by the real promtool (Debian package prometheus). */
class PrometheusExportTest {

  @Test
  void promtoolAcceptsTheExportedDefaultRules(@TempDir Path dir) throws Exception {
    Path promtool = Binaries.require("promtool", "prometheus");
    Files.writeString(
        dir.resolve("poolscope.rules.yml"), RuleSet.defaults().toPrometheusRuleFile());
    Binaries.Result r =
        Binaries.run(List.of(promtool.toString(), "check", "rules", "poolscope.rules.yml"), dir);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("SUCCESS: " + RuleSet.defaults().rules().size() + " rules found");
  }

  @Test
  void everyAggregationFormPoolscopeAcceptsIsPromqlToPromtool(@TempDir Path dir) throws Exception {
    Path promtool = Binaries.require("promtool", "prometheus");
    List<String> exprs =
        List.of(
            "sum by (db, service) (x) > 1",
            "sum (x) by (db) > 1",
            "max without (pod) (x > 0.1)",
            "min by () (x) < 1",
            "count(x) > 3",
            "count by (service) (rate(c[5m]) > 0)",
            "sum by (db) (increase(c[90s])) > max by (db) (y)",
            "max by (db) (sum by (db, service) (x)) / 2 > 0.5");
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < exprs.size(); i++) {
      rules.add(
          Rule.of(
              "A" + i,
              exprs.get(i),
              "15s",
              Map.of(),
              Map.of("summary", "{{ $labels.db }} for {{ $for }}")));
    }
    Files.writeString(dir.resolve("r.yml"), new RuleSet(rules, "forms").toPrometheusRuleFile());
    Binaries.Result r = Binaries.run(List.of(promtool.toString(), "check", "rules", "r.yml"), dir);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: " + exprs.size() + " rules found");
    assertThat(Files.readString(dir.resolve("r.yml"))).contains("for 15 seconds");
  }

  @Test
  void promtoolRejectsABrokenFileSoTheCheckAboveMeansSomething(@TempDir Path dir) throws Exception {
    Path promtool = Binaries.require("promtool", "prometheus");
    String broken = RuleSet.defaults().toPrometheusRuleFile().replace("> 0.8", "> > 0.8");
    Files.writeString(dir.resolve("broken.yml"), broken);
    Binaries.Result r =
        Binaries.run(List.of(promtool.toString(), "check", "rules", "broken.yml"), dir);
    assertThat(r.exitCode()).as(r.output()).isNotZero();
  }

  /**
   * Feeds the same series to Poolscope's engine and to Prometheus' rule unit tester: Prometheus
   * must fire the exported rules with exactly the labels and annotation texts Poolscope produced.
   */
  @Test
  void prometheusFiresTheExportedRulesWithPoolscopesLabelsAndTexts(@TempDir Path dir)
      throws Exception {
    Path promtool = Binaries.require("promtool", "prometheus");
    Files.writeString(
        dir.resolve("poolscope.rules.yml"), RuleSet.defaults().toPrometheusRuleFile());
    String[] db = Samples.db("pg1");
    String[] leak = {
      "db",
      "pg1",
      "service",
      "payments",
      "pool",
      "HikariPool-1",
      "state",
      "collected",
      "call_site",
      "com.acme.OrderDao.find(OrderDao.java:42)"
    };
    String[] otherLeak = leak.clone();
    otherLeak[7] = "suspected"; // same call site, other state: one alert, the two summed
    // Key: name and a tag, so one name may have several series (pods aggregated by the rules).
    Map<String, Object[]> series = new LinkedHashMap<>();
    series.put(
        "poolscope_server_connections_utilization_ratio",
        new Object[] {new String[] {"server", "pg1"}, 0.875});
    series.put("poolscope_db_connections_planned", new Object[] {db, 80.0});
    series.put("poolscope_db_connections_usable", new Object[] {db, 57.0});
    series.put("poolscope_connection_leaks_recent", new Object[] {leak, 2.0});
    series.put("poolscope_connection_leaks_recent#2", new Object[] {otherLeak, 1.0});
    for (int pod = 1; pod <= 3; pod++) {
      series.put(
          "poolscope_pool_wait_seconds_p99#" + pod,
          new Object[] {
            new String[] {
              "db", "pg1", "service", "payments", "pod", "payments-" + pod, "pool", "orders"
            },
            pod * 0.25 - 0.2 // 0.05 (below the threshold), 0.3, 0.55
          });
    }

    List<Alert> poolscope;
    try (AlertEngine engine = AlertEngine.builder().rules(RuleSet.defaults()).build()) {
      long t0 = 1_000_000L;
      for (int i = 0; i <= 7; i++) {
        long t = t0 + i * 10_000L;
        List<Sample> samples = new ArrayList<>();
        series.forEach(
            (name, v) -> samples.add(s(name.split("#")[0], (Double) v[1], t, (String[]) v[0])));
        engine.evaluate(samples, t);
      }
      poolscope = engine.active(); // at 70 s: the 1 m rules have fired too
    }
    assertThat(poolscope)
        .extracting(Alert::rule)
        .containsExactlyInAnyOrder(
            "PoolscopeBudgetHigh",
            "PoolscopePlannedOverUsable",
            "PoolscopeConnectionLeak",
            "PoolscopeAcquireWaitHigh");
    assertThat(poolscope).allMatch(a -> a.state() == AlertState.FIRING);
    Alert wait =
        poolscope.stream()
            .filter(a -> a.rule().equals("PoolscopeAcquireWaitHigh"))
            .findFirst()
            .get();
    assertThat(wait.summary()).isEqualTo("Acquire wait p99 of payments pool orders is up to 550ms");
    assertThat(wait.pods()).containsExactlyInAnyOrder("payments-2", "payments-3");
    Alert leakAlert =
        poolscope.stream()
            .filter(a -> a.rule().equals("PoolscopeConnectionLeak"))
            .findFirst()
            .get();
    assertThat(leakAlert.value()).isEqualTo(3.0);

    List<Map<String, Object>> inputSeries = new ArrayList<>();
    series.forEach(
        (name, v) ->
            inputSeries.add(
                Map.of(
                    "series", name.split("#")[0] + selector((String[]) v[0]),
                    "values", Samples.plain((Double) v[1]) + "x12")));
    List<Map<String, Object>> alertTests = new ArrayList<>();
    for (Alert a : poolscope) {
      alertTests.add(
          Map.of(
              "eval_time",
              "70s",
              "alertname",
              a.rule(),
              "exp_alerts",
              List.of(
                  Map.of(
                      "exp_labels", new TreeMap<>(a.labels()),
                      "exp_annotations", new TreeMap<>(a.annotations())))));
      // And not yet at 50 s for the rules with for: 1m (the leak rule has none).
      if (!a.rule().equals("PoolscopeConnectionLeak")) {
        alertTests.add(Map.of("eval_time", "50s", "alertname", a.rule(), "exp_alerts", List.of()));
      }
    }
    Map<String, Object> test = new LinkedHashMap<>();
    test.put("interval", "10s");
    test.put("input_series", inputSeries);
    test.put("alert_rule_test", alertTests);
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("rule_files", List.of("poolscope.rules.yml"));
    file.put("evaluation_interval", "10s");
    file.put("tests", List.of(test));
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(dir.resolve("test.yml"), new Yaml(o).dump(file));

    Binaries.Result r =
        Binaries.run(List.of(promtool.toString(), "test", "rules", "test.yml"), dir);
    assertThat(r.exitCode())
        .as(r.output() + "\n" + Files.readString(dir.resolve("test.yml")))
        .isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  private static String selector(String[] kv) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < kv.length; i += 2) {
      sb.append(i == 0 ? "" : ",").append(kv[i]).append("=\"").append(kv[i + 1]).append('"');
    }
    return sb.append('}').toString();
  }
}
