package io.poolscope.demo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.demo.DemoSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemoCollectorTest {
  @Test
  void compressedRulesAreTheDefaultsOnAFasterClock() {
    Map<String, Rule> defaults = byName(RuleSet.defaults());
    RuleSet compressed = DemoCollector.compressedDefaults(60);
    Map<String, Rule> fast = byName(compressed);

    assertThat(fast.keySet()).isEqualTo(defaults.keySet());
    for (Rule rule : defaults.values()) {
      Rule quick = fast.get(rule.name());
      assertThat(quick.forDuration()).isEqualTo(rule.forDuration().dividedBy(60));
      assertThat(quick.labels()).isEqualTo(rule.labels());
    }
    // The written file is a valid rule file with the same rules.
    RuleSet reread = RuleSet.parse(compressed.toPrometheusRuleFile(), "demo-rules.yaml");
    assertThat(byName(reread).keySet()).isEqualTo(defaults.keySet());
    assertThat(byName(reread).get("PoolscopeBudgetHigh").forDuration())
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void leakRuleIsTheDefaultOnePerCallSite() {
    Rule leak = byName(DemoCollector.compressedDefaults(60)).get("PoolscopeConnectionLeak");

    // The collector's leak samples come from live pods only, so the default rule resolves when the
    // leaking pods stop: the demo needs no rule of its own, and its alerts name the call site.
    assertThat(leak).isEqualTo(byName(RuleSet.defaults()).get("PoolscopeConnectionLeak"));
    assertThat(leak.expr()).contains("call_site");
  }

  @Test
  void logNotifierGroupsOnTheSameFasterClock() {
    CollectorConfig.Notifier log = DemoCollector.logNotifier(4);

    assertThat(log.groupBy()).containsExactly("server", "db", "service");
    assertThat(log.groupWait()).isEqualTo(Duration.ofMillis(7500));
    assertThat(log.groupInterval()).isEqualTo(Duration.ofSeconds(75));
    assertThat(log.repeatInterval()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void rangeWindowsAreDividedToWholeSecondsAndNeverBelowOne() {
    assertThat(DemoCollector.compressRanges("increase(x[5m]) > 0", 60))
        .isEqualTo("increase(x[5s]) > 0");
    assertThat(DemoCollector.compressRanges("increase(x[15m]) > 3", 4))
        .isEqualTo("increase(x[225s]) > 3");
    assertThat(DemoCollector.compressRanges("increase(x[30s]) > 3", 60))
        .isEqualTo("increase(x[1s]) > 3");
    assertThat(DemoCollector.compressRanges("a > b", 60)).isEqualTo("a > b");
  }

  @Test
  void healthyFleetAtItsAutoscalerCeilingsFitsTheUsableLimit() {
    for (DemoSettings settings : List.of(DemoSettings.standard(), DemoSettings.quick())) {
      int usable = settings.maxConnections() - 3;
      int plannedAtCeiling = 0;
      for (CollectorConfig.Service service : DemoCollector.services(settings)) {
        int poolMax =
            service.name().equals(Fleet.PAYMENTS)
                ? settings.paymentsPoolSize()
                : settings.jobsPoolSize();
        plannedAtCeiling += service.maxReplicas() * poolMax;
      }
      assertThat(plannedAtCeiling).as("planned at ceiling, %s", settings).isLessThan(usable);
    }
  }

  private static Map<String, Rule> byName(RuleSet rules) {
    return rules.rules().stream().collect(Collectors.toMap(Rule::name, Function.identity()));
  }
}
