package io.poolscope.alerts;

import static io.poolscope.alerts.Samples.labels;
import static io.poolscope.alerts.Samples.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code sum}, {@code max}, {@code min}, {@code count} with PromQL's grouping semantics. */
class AggregationTest {
  private static final long T0 = 1_763_798_400_000L;
  private static final String P99 = "poolscope_pool_wait_seconds_p99";

  private AlertEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  /** Three pods of payments (two pool families) and one of jobs. */
  private static List<Sample> waits(long t) {
    return List.of(
        s(P99, 0.25, t, "db", "pg1", "service", "payments", "pod", "p-1", "pool", "orders"),
        s(P99, 2.5, t, "db", "pg1", "service", "payments", "pod", "p-2", "pool", "orders"),
        s(P99, 0.0625, t, "db", "pg1", "service", "payments", "pod", "p-3", "pool", "orders"),
        s(P99, 0.5, t, "db", "pg1", "service", "payments", "pod", "p-1", "pool", "reports"),
        s(P99, 0.01, t, "db", "pg1", "service", "jobs", "pod", "j-1", "pool", "orders"));
  }

  /** Evaluates {@code expr} once (for: 0s) and returns label set to value of what fired. */
  private Map<Map<String, String>, Double> eval(String expr, List<Sample> samples) {
    return evalAll(expr, List.of(samples)).stream()
        .collect(Collectors.toMap(a -> new TreeMap<>(a.labels()), Alert::value));
  }

  private List<Alert> evalAll(String expr, List<List<Sample>> intervals) {
    engine =
        AlertEngine.builder()
            .rules(new RuleSet(List.of(Rule.of("R", expr, "0s", Map.of(), Map.of())), "test"))
            .build();
    for (int i = 0; i < intervals.size(); i++) {
      engine.evaluate(intervals.get(i), T0 + i * 10_000L);
    }
    return engine.active();
  }

  private static Map<String, String> l(String... kv) {
    return new TreeMap<>(labels(kv));
  }

  @Test
  void maxByKeepsOnlyTheGroupingLabelsAndTheLargestValue() {
    assertThat(eval("max by (db, service, pool) (" + P99 + ") > 0.1", waits(T0)))
        .containsOnly(
            Map.entry(l("db", "pg1", "service", "payments", "pool", "orders"), 2.5),
            Map.entry(l("db", "pg1", "service", "payments", "pool", "reports"), 0.5));
  }

  @Test
  void sumMinAndCountAggregateEachGroup() {
    assertThat(eval("sum by (service) (" + P99 + ") > 0", waits(T0)))
        .containsOnly(
            Map.entry(l("service", "payments"), 3.3125), Map.entry(l("service", "jobs"), 0.01));
    assertThat(eval("min by (service) (" + P99 + ") > 0", waits(T0)))
        .containsOnly(
            Map.entry(l("service", "payments"), 0.0625), Map.entry(l("service", "jobs"), 0.01));
    assertThat(eval("count by (service, pool) (" + P99 + " > 0.1)", waits(T0)))
        .containsOnly(
            Map.entry(l("service", "payments", "pool", "orders"), 2.0),
            Map.entry(l("service", "payments", "pool", "reports"), 1.0));
  }

  @Test
  void withoutDropsTheListedLabelsAndKeepsTheRest() {
    assertThat(eval("max without (pod) (" + P99 + ") > 0.3", waits(T0)))
        .containsOnly(
            Map.entry(l("db", "pg1", "service", "payments", "pool", "orders"), 2.5),
            Map.entry(l("db", "pg1", "service", "payments", "pool", "reports"), 0.5));
  }

  @Test
  void noClauseAggregatesEverythingIntoOneUnlabelledResult() {
    assertThat(eval("count(" + P99 + ") > 4", waits(T0))).containsOnly(Map.entry(l(), 5.0));
    assertThat(eval("sum(" + P99 + ") > 4", waits(T0))).isEmpty(); // 3.31
  }

  @Test
  void groupingClauseMayFollowTheOperandAsInPromql() {
    assertThat(eval("sum(" + P99 + ") by (service) > 1", waits(T0)))
        .containsOnly(Map.entry(l("service", "payments"), 3.3125));
  }

  @Test
  void aMissingGroupingLabelIsLeftOutOfTheResult() {
    List<Sample> samples =
        List.of(
            s("x", 1, T0, "service", "a", "call_site", "A.f(A.java:1)"),
            s("x", 2, T0, "service", "a"),
            s("x", 4, T0, "service", "a", "call_site", ""));
    assertThat(eval("sum by (service, call_site) (x) > 0", samples))
        .containsOnly(
            Map.entry(l("service", "a", "call_site", "A.f(A.java:1)"), 1.0),
            Map.entry(l("service", "a"), 6.0)); // missing and empty are the same label set
  }

  @Test
  void aggregationOfIncreaseSumsThePodsCounters() {
    String c = "poolscope_connection_refused_total";
    List<List<Sample>> intervals = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long t = T0 + i * 10_000L;
      intervals.add(
          List.of(
              s(
                  c,
                  10 + i,
                  t,
                  "db",
                  "pg1",
                  "service",
                  "payments",
                  "pod",
                  "p-1",
                  "error_type",
                  "53300"),
              s(
                  c,
                  2 * i,
                  t,
                  "db",
                  "pg1",
                  "service",
                  "payments",
                  "pod",
                  "p-2",
                  "error_type",
                  "53300"),
              s(c, 7, t, "db", "pg1", "service", "jobs", "pod", "j-1", "error_type", "53300")));
    }
    List<Alert> fired =
        evalAll("sum by (db, service, error_type) (increase(" + c + "[5m])) > 0", intervals);
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).labels())
        .isEqualTo(Map.of("db", "pg1", "service", "payments", "error_type", "53300"));
    assertThat(fired.get(0).value()).isEqualTo(6.0); // 2 from p-1, 4 from p-2
    assertThat(fired.get(0).pods()).containsExactlyInAnyOrder("p-1", "p-2");
  }

  @Test
  void aggregatedVectorsCompareOneToOneOnTheirGroupLabels() {
    List<Sample> samples =
        List.of(
            s("planned", 40, T0, "db", "pg1", "db_system", "postgresql"),
            s("usable", 57, T0, "db", "pg1", "db_system", "postgresql"),
            s("planned", 80, T0, "db", "pg2", "db_system", "postgresql"),
            s("usable", 57, T0, "db", "pg2", "db_system", "postgresql"));
    assertThat(eval("max by (db) (planned) > max by (db) (usable)", samples))
        .containsOnly(Map.entry(l("db", "pg2"), 80.0));
  }

  @Test
  void anAggregatedAlertKnowsThePodsAndPoolsBehindIt() {
    List<Alert> fired =
        evalAll("max by (db, service, pool) (" + P99 + " > 0.1)", List.of(waits(T0)));
    Alert orders =
        fired.stream().filter(a -> a.labels().get("pool").equals("orders")).findFirst().get();
    assertThat(orders.value()).isEqualTo(2.5);
    // p-3 is in the family but below the threshold: not behind the alert.
    assertThat(orders.pods()).containsExactlyInAnyOrder("p-1", "p-2");
    assertThat(orders.pools()).containsExactlyInAnyOrder("p-1/orders", "p-2/orders");
  }

  @Test
  void aggregationsOutsideTheSubsetAreRejectedWithAReason() {
    assertThatThrownBy(() -> Rule.of("R", "avg(x) > 1", "0s", Map.of(), Map.of()))
        .hasMessage(
            "expr: column 1: unsupported aggregation 'avg' (supported: sum, max, min, count)");
    assertThatThrownBy(() -> Rule.of("R", "sum(1)", "0s", Map.of(), Map.of()))
        .hasMessage("expr: column 5: sum() aggregates series, not a number");
    assertThatThrownBy(() -> Rule.of("R", "sum by (a) (x) by (b)", "0s", Map.of(), Map.of()))
        .hasMessage("expr: column 16: a second grouping clause");
    assertThatThrownBy(() -> Rule.of("R", "x by (a)", "0s", Map.of(), Map.of()))
        .hasMessage(
            "expr: column 3: 'by' belongs to an aggregation: sum, max, min or count by (...)");
    assertThatThrownBy(() -> Rule.of("R", "sum by (a, a) (x)", "0s", Map.of(), Map.of()))
        .hasMessage("expr: column 12: label 'a' listed twice");
    assertThatThrownBy(() -> Rule.of("R", "sum by (a (x)", "0s", Map.of(), Map.of()))
        .hasMessage("expr: column 11: expected ',' or ')'");
  }
}
