package io.poolscope.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFileTest {

  private static final String VALID =
      """
      groups:
        - name: db
          rules:
            - alert: BudgetHigh
              expr: poolscope_db_connections_utilization_ratio{db_system="postgresql"} > 0.9
              for: 2m
              labels:
                severity: critical
                team: dba
              annotations:
                summary: "{{ $labels.db }} at {{ $value | humanizePercentage }}"
            - alert: Refused
              expr: |
                increase(poolscope_connection_refused_total{error_type="53300"}[10m]) > 0
      """;

  @Test
  void validFileParsesIntoRules() {
    RuleSet set = RuleSet.parse(VALID, "rules.yml");
    assertThat(set.rules()).extracting(Rule::name).containsExactly("BudgetHigh", "Refused");
    Rule r = set.rules().get(0);
    assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(r.labels()).containsEntry("severity", "critical").containsEntry("team", "dba");
    assertThat(r.severity()).isEqualTo("critical");
    assertThat(r.annotations().get("summary"))
        .isEqualTo("{{ $labels.db }} at {{ $value | humanizePercentage }}");
    assertThat(set.rules().get(1).forDuration()).isZero();
    assertThat(set.rules().get(1).severity()).isEqualTo("warning");
  }

  @Test
  void loadReadsAFileAndErrorsNameTheFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("alerts.yml");
    Files.writeString(f, VALID);
    assertThat(RuleSet.load(f).rules()).hasSize(2);
    Files.writeString(f, VALID.replace("for: 2m", "for: 2 minutes"));
    assertThatThrownBy(() -> RuleSet.load(f))
        .isInstanceOf(RuleFileException.class)
        .hasMessage(
            f
                + ":6: rule 'BudgetHigh': for: not a duration: '2 minutes'"
                + " (expected e.g. 30s, 1m, 1h30m, 500ms)");
  }

  private static RuleFileException error(String yaml) {
    try {
      RuleSet.parse(yaml, "r.yml");
    } catch (RuleFileException e) {
      return e;
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void badExpressionNamesLineAndColumn() {
    RuleFileException e = error(VALID.replace("> 0.9", "> > 0.9"));
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.reason()).isEqualTo("rule 'BudgetHigh': expr: column 70: unexpected '>'");
    RuleFileException block = error(VALID.replace("[10m]", "[10 minutes]"));
    assertThat(block.line()).isEqualTo(14);
    assertThat(block.reason()).startsWith("rule 'Refused': expr: column 65: not a duration");
  }

  @Test
  void unsupportedPromqlIsRejectedWithAReason() {
    assertThat(error(VALID.replace("increase(", "sum_over_time(")).reason())
        .isEqualTo(
            "rule 'Refused': expr: column 1: unsupported function 'sum_over_time'"
                + " (supported: increase, rate)");
    assertThat(error(VALID.replace("> 0.9", "> 0.9 and up")).reason())
        .contains("'and' is PromQL this subset does not support");
  }

  @Test
  void structuralErrorsNameTheirLine() {
    assertThat(error(VALID.replace("for: 2m", "fro: 2m")))
        .hasMessage(
            "r.yml:6: unknown key 'fro' in a rule (allowed: alert, annotations, expr,"
                + " for, labels)");
    assertThat(error(VALID.replace("severity: critical", "severity: page")))
        .hasMessage(
            "r.yml:8: rule 'BudgetHigh': labels: severity 'page' is not one of critical,"
                + " error, warning, info");
    assertThat(error(VALID.replace("      - alert: Refused", "      - alert: BudgetHigh")))
        .hasMessage("r.yml:12: duplicate alert name 'BudgetHigh'");
    assertThat(error(VALID.replace("- alert: Refused", "- record: x")))
        .hasMessageStartingWith("r.yml:12: recording rules are not supported");
    assertThat(error("groups:\n  - name: g\n    rules:\n      - expr: up > 0\n"))
        .hasMessage("r.yml:4: missing 'alert:'");
    assertThat(
            error("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x{a=\"b\"\n"))
        .hasMessage("r.yml:5: rule 'A': expr: column 8: expected '}'");
    assertThat(
            error(
                "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x > 1\n"
                    + "        annotations:\n          summary: '{{ .Value }}'\n"))
        .hasMessageStartingWith(
            "r.yml:7: rule 'A': annotations.summary: template: unsupported"
                + " action '{{ .Value }}'");
  }

  @Test
  void invalidYamlNamesTheLine() {
    RuleFileException e = error("groups:\n  - name: g\n    rules:\n   - alert: A\n  bad: [\n");
    assertThat(e.line()).isBetween(4, 6);
    assertThat(e.reason()).startsWith("not valid YAML: ");
    assertThat(error("groups:\n  - name: g\n  - name: g\n"))
        .hasMessage("r.yml:3: duplicate group name 'g'");
    assertThat(error("")).hasMessage("r.yml:1: empty rule file (expected 'groups:')");
    assertThat(error("rules: []\n"))
        .hasMessage("r.yml:1: unknown key 'rules' in the file (allowed: groups)");
  }

  @Test
  void exportedDefaultsAreAValidPoolscopeRuleFileWithTheSameRules() {
    String exported = RuleSet.defaults().toPrometheusRuleFile();
    RuleSet back = RuleSet.parse(exported, "exported.yml");
    // The same rules, with {{ $for }} and {{ $range }} written out as the text they stand for.
    List<Rule> expected =
        RuleSet.defaults().rules().stream()
            .map(
                r ->
                    new Rule(
                        r.name(), r.expr(), r.forDuration(), r.labels(), r.exportedAnnotations()))
            .toList();
    assertThat(back.rules()).isEqualTo(expected);
    assertThat(back.rules().get(0).annotations().get("description")).contains("for 1 minute.");
    assertThat(exported).doesNotContain("$for").doesNotContain("$range");
  }

  @Test
  void alertTextsStateTheRulesOwnForAndWindow() {
    Rule refused = byName(RuleSet.defaults(), "PoolscopeConnectionRefused");
    Rule churn = byName(RuleSet.defaults(), "PoolscopePoolChurn");
    // The demo's way of running the defaults on a faster clock: for: and windows divided by 4.
    Rule fastChurn =
        new Rule(
            churn.name(),
            churn.expr().replace("[15m]", "[225s]"),
            churn.forDuration().dividedBy(4),
            churn.labels(),
            churn.annotations());
    Rule fastRefused =
        new Rule(
            refused.name(),
            refused.expr().replace("[5m]", "[75s]"),
            refused.forDuration(),
            refused.labels(),
            refused.annotations());
    assertThat(fastChurn.templateValues())
        .containsEntry("for", "1 minute 15 seconds")
        .containsEntry("range", "3 minutes 45 seconds");
    List<Sample> samples = new java.util.ArrayList<>();
    try (AlertEngine engine =
        AlertEngine.builder().rules(new RuleSet(List.of(fastChurn, fastRefused), "fast")).build()) {
      long t0 = 1_000_000L;
      for (int i = 0; i <= 14; i++) {
        long t = t0 + i * 10_000L;
        engine.evaluate(
            List.of(
                new Sample(
                    "poolscope_pools_created_total",
                    Map.of(
                        "db",
                        "pg1",
                        "service",
                        "jobs",
                        "pod",
                        "j-1",
                        "pool_type",
                        "HikariDataSource"),
                    i,
                    t),
                new Sample(
                    "poolscope_connection_refused_total",
                    Map.of("db", "pg1", "service", "jobs", "pod", "j-1", "error_type", "53300"),
                    i,
                    t)),
            t);
      }
      Alert c =
          engine.active().stream().filter(a -> a.rule().equals(churn.name())).findFirst().get();
      assertThat(c.state()).isEqualTo(AlertState.FIRING);
      assertThat(c.summary())
          .isEqualTo(
              "Pods of jobs keep creating HikariDataSource pools: up to 14 per pod in 3 minutes"
                  + " 45 seconds");
      assertThat(c.description())
          .startsWith("For 1 minute 15 seconds, pods of jobs (those this alert covers)");
      Alert r =
          engine.active().stream().filter(a -> a.rule().equals(refused.name())).findFirst().get();
      assertThat(r.summary())
          .isEqualTo(
              "Database pg1 refused 7 connection(s) from jobs in 1 minute 15 seconds, SQLState"
                  + " 53300");
    }
    String file = new RuleSet(List.of(fastChurn), "fast").toPrometheusRuleFile();
    assertThat(file)
        .contains("For 1 minute 15 seconds, pods of jobs".replace("jobs", "{{ $labels.service }}"));
    assertThat(file).contains("in 3 minutes 45 seconds");
  }

  @Test
  void rangeValueWithoutAWindowIsAnError() {
    assertThat(
            error(
                "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x > 1\n"
                    + "        annotations:\n          summary: 'in {{ $range }}'\n"))
        .hasMessage(
            "r.yml:7: rule 'A': annotations.summary: template: {{ $range }} needs an increase()"
                + " or rate() window in expr");
  }

  private static Rule byName(RuleSet set, String name) {
    return set.rules().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }
}
