package io.poolscope.alerts;

import static io.poolscope.alerts.Samples.db;
import static io.poolscope.alerts.Samples.labels;
import static io.poolscope.alerts.Samples.s;
import static io.poolscope.alerts.Samples.server;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  private static final long T0 = 1_763_798_400_000L;
  private static final String UTIL = "poolscope_db_connections_utilization_ratio";

  private final List<AlertEvent> events = new CopyOnWriteArrayList<>();
  private AlertEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private AlertEngine engine(RuleSet rules) {
    engine = AlertEngine.builder().rules(rules).listener(events::add).build();
    return engine;
  }

  private static RuleSet one(String expr, String forText) {
    return new RuleSet(
        List.of(
            Rule.of(
                "R",
                expr,
                forText,
                Map.of("severity", "warning"),
                Map.of("summary", "{{ $labels.db }} at {{ $value }}"))),
        "test");
  }

  private List<AlertEvent.Type> types() {
    return events.stream().map(AlertEvent::type).toList();
  }

  private void util(long t, double v) {
    engine.evaluate(List.of(s(UTIL, v, t, db("pg1"))), t);
  }

  /** The server budget's utilization, as the default budget rule reads it. */
  private void serverUtil(long t, double v) {
    engine.evaluate(
        List.of(s("poolscope_server_connections_utilization_ratio", v, t, server("pg1"))), t);
  }

  @Test
  void seriesNamesAreTheNamesTheRulesReadAndFollowAReload() {
    engine(
        one(
            "sum by (db) (increase(poolscope_pool_timeouts_total[5m]))"
                + " - sum by (db) (-poolscope_pool_connections_used) > 0",
            "0s"));
    assertThat(engine.seriesNames())
        .containsExactlyInAnyOrder(
            "poolscope_pool_timeouts_total", "poolscope_pool_connections_used");
    engine.reload(one(UTIL + " > 0.9", "0s"));
    assertThat(engine.seriesNames()).containsExactly(UTIL);
  }

  @Test
  void activeAlertsAreReadWithoutWaitingForAnEvaluationInProgress() throws Exception {
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    engine =
        AlertEngine.builder()
            .rules(one(UTIL + " > 0.8", "0s"))
            .listener(
                e -> {
                  // Listeners run inside the evaluation: hold this one there.
                  if (e.type() == AlertEvent.Type.FIRING) {
                    inside.countDown();
                    try {
                      release.await();
                    } catch (InterruptedException ex) {
                      Thread.currentThread().interrupt();
                    }
                  }
                })
            .build();
    Thread evaluation = new Thread(() -> util(T0, 0.9), "evaluation");
    evaluation.start();
    try {
      assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // The evaluation still holds its lock; reading must not wait for it.
      java.util.concurrent.CompletableFuture<List<Alert>> read =
          java.util.concurrent.CompletableFuture.supplyAsync(engine::active);
      List<Alert> active = read.get(2, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(evaluation.isAlive()).isTrue();
      // Published before the listeners hear of it: the alert they are told about is visible.
      assertThat(active).singleElement().extracting(Alert::state).isEqualTo(AlertState.FIRING);
      assertThat(engine.active()).isSameAs(active);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> active.add(active.get(0)))
          .isInstanceOf(UnsupportedOperationException.class);
    } finally {
      release.countDown();
      evaluation.join(10_000);
    }
  }

  @Test
  void budgetAlertIsPendingThenFiresExactlyWhenForHasElapsed() {
    engine(RuleSet.defaults());
    for (long t = T0; t < T0 + 60_000; t += 10_000) {
      serverUtil(t, 0.85);
      assertThat(engine.active())
          .singleElement()
          .extracting(Alert::state)
          .isEqualTo(AlertState.PENDING);
    }
    serverUtil(T0 + 59_999, 0.85);
    assertThat(engine.active().get(0).state()).isEqualTo(AlertState.PENDING);
    serverUtil(T0 + 60_000, 0.85);
    Alert a = engine.active().get(0);
    assertThat(a.state()).isEqualTo(AlertState.FIRING);
    assertThat(a.rule()).isEqualTo("PoolscopeBudgetHigh");
    assertThat(a.activeSince()).isEqualTo(T0);
    assertThat(a.firedAt()).isEqualTo(T0 + 60_000);
    assertThat(a.severity()).isEqualTo("warning");
    assertThat(a.labels()).containsEntry("server", "pg1").containsEntry("severity", "warning");
    assertThat(a.summary()).isEqualTo("Server pg1 uses 85% of its usable connections");
    assertThat(types()).containsExactly(AlertEvent.Type.PENDING, AlertEvent.Type.FIRING);
  }

  @Test
  void firingAlertResolvesOnceWhenTheValueDrops() {
    engine(one(UTIL + " > 0.8", "30s"));
    util(T0, 0.9);
    util(T0 + 30_000, 0.9);
    util(T0 + 40_000, 0.5);
    util(T0 + 50_000, 0.5);
    assertThat(types())
        .containsExactly(AlertEvent.Type.PENDING, AlertEvent.Type.FIRING, AlertEvent.Type.RESOLVED);
    AlertEvent resolved = events.get(2);
    assertThat(resolved.alert().state()).isEqualTo(AlertState.RESOLVED);
    assertThat(resolved.alert().resolvedAt()).isEqualTo(T0 + 40_000);
    assertThat(resolved.alert().fingerprint()).isEqualTo(events.get(1).alert().fingerprint());
    assertThat(engine.active()).isEmpty();
  }

  @Test
  void flappingFasterThanForNeverFires() {
    engine(one(UTIL + " > 0.8", "1m"));
    for (int i = 0; i < 30; i++) {
      util(T0 + i * 10_000L, i % 5 == 4 ? 0.5 : 0.9); // dips for one interval every 50 s
    }
    assertThat(types()).doesNotContain(AlertEvent.Type.FIRING, AlertEvent.Type.RESOLVED);
    assertThat(types()).contains(AlertEvent.Type.PENDING);
  }

  @Test
  void afterAResolveTheSameLabelSetWaitsTheWholeForAgainBeforePagingAgain() {
    engine(one(UTIL + " > 0.8", "1m"));
    util(T0, 0.9);
    util(T0 + 60_000, 0.9); // fires
    util(T0 + 70_000, 0.1); // resolves
    for (long t = T0 + 80_000; t < T0 + 140_000; t += 10_000) {
      util(t, 0.9);
    }
    assertThat(types().stream().filter(t -> t == AlertEvent.Type.FIRING)).hasSize(1);
    util(T0 + 140_000, 0.9);
    assertThat(types().stream().filter(t -> t == AlertEvent.Type.FIRING)).hasSize(2);
  }

  @Test
  void eachLabelSetIsItsOwnAlert() {
    engine(one(UTIL + " > 0.8", "0s"));
    engine.evaluate(List.of(s(UTIL, 0.9, T0, db("pg1")), s(UTIL, 0.2, T0, db("pg2"))), T0);
    assertThat(engine.active()).extracting(a -> a.labels().get("db")).containsExactly("pg1");
    engine.evaluate(
        List.of(s(UTIL, 0.9, T0 + 10_000, db("pg1")), s(UTIL, 0.95, T0 + 10_000, db("pg2"))),
        T0 + 10_000);
    List<Alert> active = engine.active();
    assertThat(active).extracting(a -> a.labels().get("db")).containsExactly("pg1", "pg2");
    assertThat(active.get(0).fingerprint()).isNotEqualTo(active.get(1).fingerprint());
    assertThat(active).extracting(Alert::summary).containsExactly("pg1 at 0.9", "pg2 at 0.95");
    assertThat(types()).containsExactly(AlertEvent.Type.FIRING, AlertEvent.Type.FIRING);
  }

  @Test
  void plannedAboveUsableComparesSeriesWithIdenticalLabels() {
    engine(RuleSet.defaults());
    for (long t = T0; t <= T0 + 60_000; t += 10_000) {
      engine.evaluate(
          List.of(
              s("poolscope_db_connections_planned", 80, t, db("pg1")),
              s("poolscope_db_connections_usable", 57, t, db("pg1")),
              s("poolscope_db_connections_planned", 40, t, db("pg2")),
              s("poolscope_db_connections_usable", 57, t, db("pg2")),
              // no usable for pg3 (limit unknown): nothing to compare, no alert
              s("poolscope_db_connections_planned", 400, t, db("pg3"))),
          t);
    }
    assertThat(engine.active())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.rule()).isEqualTo("PoolscopePlannedOverUsable");
              assertThat(a.labels().get("db")).isEqualTo("pg1");
              assertThat(a.value()).isEqualTo(80);
              assertThat(a.state()).isEqualTo(AlertState.FIRING);
            });
  }

  @Test
  void increaseCountsAcrossACounterResetAndOnlyInsideTheWindow() {
    engine(one("increase(poolscope_connection_refused_total[5m]) > 0", "0s"));
    String[] l = {"db", "pg1", "service", "payments", "pod", "p1", "error_type", "53300"};
    String n = "poolscope_connection_refused_total";
    engine.evaluate(List.of(s(n, 100, T0, l)), T0); // outside the later window
    engine.evaluate(List.of(s(n, 5, T0 + 60_000, l)), T0 + 60_000); // reset: +5
    assertThat(engine.active()).singleElement().extracting(Alert::value).isEqualTo(5.0);
    engine.evaluate(List.of(s(n, 7, T0 + 120_000, l)), T0 + 120_000); // +2
    engine.evaluate(List.of(s(n, 2, T0 + 180_000, l)), T0 + 180_000); // reset: +2
    engine.evaluate(List.of(s(n, 3, T0 + 240_000, l)), T0 + 240_000); // +1
    assertThat(engine.active().get(0).value()).isEqualTo(10.0);
    // At T0+360s the window starts at T0+60s: 5,7,2,3,3 -> 2+2+1 = 5 (the 100->5 reset left it).
    engine.evaluate(List.of(s(n, 3, T0 + 360_000, l)), T0 + 360_000);
    assertThat(engine.active().get(0).value()).isEqualTo(5.0);
    // Flat for five minutes: increase 0, the alert resolves.
    engine.evaluate(List.of(s(n, 3, T0 + 600_000, l)), T0 + 600_000);
    engine.evaluate(List.of(s(n, 3, T0 + 660_000, l)), T0 + 660_000);
    assertThat(engine.active()).isEmpty();
    assertThat(types()).containsExactly(AlertEvent.Type.FIRING, AlertEvent.Type.RESOLVED);
  }

  @Test
  void leakAlertFiresAtOnceAndNamesTheCallSite() {
    engine(RuleSet.defaults());
    engine.evaluate(
        List.of(
            s(
                "poolscope_connection_leaks_recent",
                2,
                T0,
                "db",
                "pg1",
                "service",
                "payments",
                "pool",
                "HikariPool-1",
                "state",
                "suspected",
                "call_site",
                "com.acme.OrderDao.find(OrderDao.java:42)"),
            s(
                "poolscope_connection_leaks_recent",
                1,
                T0,
                "db",
                "pg1",
                "service",
                "payments",
                "pool",
                "HikariPool-1",
                "state",
                "returned",
                "call_site",
                "com.acme.Other.run(Other.java:7)")),
        T0);
    assertThat(engine.active())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.rule()).isEqualTo("PoolscopeConnectionLeak");
              assertThat(a.state()).isEqualTo(AlertState.FIRING);
              assertThat(a.severity()).isEqualTo("critical");
              assertThat(a.summary())
                  .isEqualTo(
                      "Connection leak in payments pool"
                          + " HikariPool-1 at com.acme.OrderDao.find(OrderDao.java:42)");
            });
  }

  @Test
  void reloadKeepsStateOfUnchangedRulesAndResolvesChangedOnes() {
    Rule budget = Rule.of("Budget", UTIL + " > 0.8", "1m", Map.of(), Map.of());
    Rule other = Rule.of("Other", UTIL + " > 0.5", "0s", Map.of(), Map.of());
    engine(new RuleSet(List.of(budget, other), "v1"));
    util(T0, 0.9);
    util(T0 + 60_000, 0.9);
    assertThat(engine.active())
        .extracting(Alert::state)
        .containsExactly(AlertState.FIRING, AlertState.FIRING);
    events.clear();
    Rule budgetNewText =
        Rule.of("Budget", UTIL + " > 0.8", "2m", Map.of(), Map.of("summary", "now with text"));
    Rule otherChanged = Rule.of("Other", UTIL + " > 0.6", "0s", Map.of(), Map.of());
    engine.reload(new RuleSet(List.of(budgetNewText, otherChanged), "v2"));
    assertThat(engine.rules().source()).isEqualTo("v2");
    assertThat(types()).containsExactly(AlertEvent.Type.RESOLVED);
    assertThat(events.get(0).alert().rule()).isEqualTo("Other");
    util(T0 + 70_000, 0.9);
    Alert kept = engine.active().get(0);
    assertThat(kept.rule()).isEqualTo("Budget");
    assertThat(kept.state()).isEqualTo(AlertState.FIRING);
    assertThat(kept.firedAt()).isEqualTo(T0 + 60_000);
    assertThat(kept.summary()).isEqualTo("now with text");
    // Only the changed rule starts over (for 0s: fires again at once).
    assertThat(types()).containsExactly(AlertEvent.Type.RESOLVED, AlertEvent.Type.FIRING);
  }

  @Test
  void arithmeticAndRegexMatchersWork() {
    engine(one("poolscope_db_connections_open / poolscope_db_connections_usable >= 0.5", "0s"));
    engine.evaluate(
        List.of(
            s("poolscope_db_connections_open", 30, T0, db("pg1")),
            s("poolscope_db_connections_usable", 57, T0, db("pg1"))),
        T0);
    assertThat(engine.active()).singleElement().extracting(Alert::value).isEqualTo(30.0 / 57);
    engine.close();
    events.clear();
    engine(one("poolscope_pool_connections_pending{service=~\"pay.*\",pool!=\"batch\"} > 0", "0s"));
    engine.evaluate(
        List.of(
            s("poolscope_pool_connections_pending", 1, T0, "service", "payments", "pool", "web"),
            s("poolscope_pool_connections_pending", 1, T0, "service", "payments", "pool", "batch"),
            s("poolscope_pool_connections_pending", 1, T0, "service", "repay", "pool", "web")),
        T0);
    assertThat(engine.active())
        .singleElement()
        .extracting(a -> a.labels().get("pool"))
        .isEqualTo("web");
  }

  @Test
  void evaluatingTheDefaultsOverTenThousandSamplesIsCheap() {
    engine(RuleSet.defaults());
    List<Sample> samples = new java.util.ArrayList<>();
    String[] names = {
      "poolscope_pool_utilization_ratio",
      "poolscope_pool_wait_seconds_p99",
      "poolscope_pool_connections_used",
      "poolscope_pool_timeouts_total",
      "poolscope_connection_refused_total"
    };
    for (int i = 0; samples.size() < 10_000; i++) {
      for (String n : names) {
        samples.add(
            s(
                n,
                (i % 10) / 10.0,
                0,
                "db",
                "pg" + (i % 7),
                "service",
                "svc" + (i % 20),
                "pod",
                "pod" + i,
                "pool",
                "HikariPool-1"));
      }
    }
    long t = T0;
    for (int i = 0; i < 150; i++) { // JIT warm-up; also fills the counter history
      engine.evaluate(samples, t += 10_000);
    }
    int runs = 30;
    // CPU time of this thread too: the machine is shared, so wall time partly measures the
    // neighbours.
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu = mx.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      engine.evaluate(samples, t += 10_000);
    }
    double msPerEval = (System.nanoTime() - start) / 1e6 / runs;
    double cpuMsPerEval = (mx.getCurrentThreadCpuTime() - cpu) / 1e6 / runs;
    System.out.printf(
        "evaluation of %d default rules over %d samples: %.2f ms wall, %.2f ms CPU%n",
        RuleSet.defaults().rules().size(), samples.size(), msPerEval, cpuMsPerEval);
    assertThat(engine.active()).isNotEmpty(); // it did real work: 0.9 utilisations fire
    // CPU time: on a shared machine at load 30 the wall time is mostly the neighbours'.
    assertThat(cpuMsPerEval).as("CPU time measured").isGreaterThan(0);
    assertThat(cpuMsPerEval).isLessThan(500);
  }

  @Test
  void aFailingListenerDoesNotStopEvaluationOrOtherListeners() {
    engine(one(UTIL + " > 0.8", "0s"));
    engine.addListener(
        e -> {
          throw new IllegalStateException("store down");
        });
    List<AlertEvent> second = new CopyOnWriteArrayList<>();
    engine.addListener(second::add);
    util(T0, 0.9);
    util(T0 + 10_000, 0.1);
    assertThat(second)
        .extracting(AlertEvent::type)
        .containsExactly(AlertEvent.Type.FIRING, AlertEvent.Type.RESOLVED);
    assertThat(engine.active()).isEmpty();
  }

  @Test
  void unrelatedLabelOnRuleIsAddedAndWins() {
    engine(
        new RuleSet(
            List.of(
                Rule.of(
                    "R",
                    UTIL + " > 0.8",
                    "0s",
                    labels("severity", "critical", "team", "dba"),
                    Map.of())),
            "t"));
    util(T0, 0.9);
    assertThat(engine.active().get(0).labels())
        .containsEntry("team", "dba")
        .containsEntry("severity", "critical")
        .containsEntry("db", "pg1");
    assertThat(engine.active().get(0).severity()).isEqualTo("critical");
    assertThat(Duration.ZERO).isZero();
  }
}
