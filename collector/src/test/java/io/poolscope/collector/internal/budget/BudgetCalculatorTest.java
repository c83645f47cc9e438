package io.poolscope.collector.internal.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.alerts.RuleSet;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.collector.internal.fleet.FleetModel;
import io.poolscope.collector.internal.fleet.PodReport;
import io.poolscope.collector.internal.fleet.PoolReading;
import io.poolscope.collector.internal.fleet.TargetKey;
import io.poolscope.collector.internal.fleet.TargetReading;
import io.poolscope.collector.internal.probe.ProbeResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rollup's budget: agents over the database's own count, and colours from the rules. */
class BudgetCalculatorTest {
  static final TargetKey DB = new TargetKey("postgresql", "127.0.0.1", 5432, "payments");

  final FleetModel fleet = new FleetModel(10_000, 3_600_000);

  void report(String pod, int open, long now) {
    fleet.apply(
        new PodReport(
            "payments",
            pod,
            pod,
            "node",
            "2.0",
            false,
            List.of(new PoolReading.Builder(DB, "main").used(open).idle(0).max(10).build()),
            List.of(new TargetReading.Builder(DB).open(open).build())),
        now);
  }

  @Test
  void agentsOverTheProbesCountAreFlaggedAndNeverAnImpossibleUtilization() {
    report("v2-a", 30, 0);
    report("v2-b", 30, 0);
    report("v1-a", 20, 0);
    // 18 s later only v1-a reported again: the v2 pods missed an export, not yet stale.
    report("v1-a", 20, 18_000);
    ProbeResult probe = ProbeResult.ok(18_000, 60, 3, 26, List.of());
    Overview o =
        new BudgetCalculator(CollectorConfig.defaults())
            .overview(fleet.snapshot(18_000), Map.of(DB.id(), probe));
    DatabaseBudget b = o.budget(DB.id());
    assertThat(b.open()).isEqualTo(80);
    assertThat(b.overReport()).isEqualTo(new DatabaseBudget.OverReport(80, 26, 2));
    // 26 of 57, what the database has; not 80 of 57.
    assertThat(b.utilization()).isEqualTo(26 / 57.0);
    assertThat(b.state()).isEqualTo("ok");
    // Once they are stale the sums agree with the database again.
    report("v1-a", 20, 31_000);
    b =
        new BudgetCalculator(CollectorConfig.defaults())
            .overview(fleet.snapshot(31_000), Map.of(DB.id(), probe))
            .budget(DB.id());
    assertThat(b.open()).isEqualTo(20);
    assertThat(b.overReport()).isNull();
    assertThat(b.utilization()).isEqualTo(20 / 57.0);
  }

  @Test
  void coloursComeFromTheBudgetRulesThresholds() {
    assertThat(Thresholds.from(RuleSet.defaults())).isEqualTo(new Thresholds(0.8, 1.0));
    RuleSet rules =
        RuleSet.parse(
            """
            groups:
              - name: poolscope
                rules:
                  - alert: BudgetEarly
                    expr: poolscope_db_connections_utilization_ratio{db=~".+"} > 0.5
                    labels:
                      severity: warning
                  - alert: BudgetFull
                    expr: poolscope_db_connections_utilization_ratio >= 0.9
                    labels:
                      severity: critical
                  - alert: Unrelated
                    expr: poolscope_pool_utilization_ratio > 0.1
                    labels:
                      severity: critical
            """,
            "rules.yml");
    Thresholds t = Thresholds.from(rules);
    assertThat(t).isEqualTo(new Thresholds(0.5, 0.9));
    assertThat(t.state(0.49)).isEqualTo("ok");
    assertThat(t.state(0.5)).isEqualTo("warning");
    assertThat(t.state(0.9)).isEqualTo("critical");
    assertThat(t.state(null)).isEqualTo("unknown");
    // No budget rule at all: never amber, red only when the database is full.
    Thresholds none = Thresholds.from(new RuleSet(List.of(), "empty"));
    assertThat(none.state(0.95)).isEqualTo("ok");
    assertThat(none.state(1.0)).isEqualTo("critical");
  }
}
