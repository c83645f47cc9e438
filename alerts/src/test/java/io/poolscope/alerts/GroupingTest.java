package io.poolscope.alerts;

import static io.poolscope.alerts.Samples.s;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Notification grouping (Alertmanager's group_by, group_wait, group_interval, repeat_interval)
 * through real HTTP receivers. Time is the evaluation time handed to the engine: no test waits for
 * a group wait or interval to pass.
 */
class GroupingTest {
  private static final long T0 = 1_763_798_400_000L;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String P99 = "poolscope_pool_wait_seconds_p99";
  private static final String LEAKS = "poolscope_connection_leaks_recent";

  private final List<AlertEvent> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private Receiver receiver() throws Exception {
    Receiver r = new Receiver(200);
    closeables.add(r);
    return r;
  }

  private AlertEngine engine(NotifierTarget... targets) {
    AlertEngine e =
        AlertEngine.builder()
            .rules(RuleSet.defaults())
            .targets(List.of(targets))
            .listener(events::add)
            .build();
    closeables.add(0, e);
    return e;
  }

  private static Sample wait(long t, String pod, String family) {
    return s(P99, 0.5, t, "db", "pg1", "service", "payments", "pod", pod, "pool", family);
  }

  private static Sample leak(long t, int site) {
    return s(
        LEAKS,
        1,
        t,
        "db",
        "pg1",
        "service",
        "payments",
        "pool",
        "orders",
        "state",
        "collected",
        "call_site",
        "com.acme.Job.run(Job.java:" + site + ")");
  }

  /**
   * The incident in small: waits on three pods in two pool families from T0, leaks from three call
   * sites at +20 s, two more at +30 s and +40 s, a sixth at +100 s; everything gone at +400 s.
   */
  private static List<Sample> incident(long t) {
    long at = t - T0;
    List<Sample> out = new ArrayList<>();
    if (at >= 400_000) {
      return out;
    }
    for (String pod : List.of("payments-1", "payments-2", "payments-3")) {
      out.add(wait(t, pod, "orders"));
    }
    out.add(wait(t, "payments-1", "reports"));
    out.add(wait(t, "payments-2", "reports"));
    int sites = at >= 100_000 ? 6 : at >= 40_000 ? 5 : at >= 30_000 ? 4 : at >= 20_000 ? 3 : 0;
    for (int i = 1; i <= sites; i++) {
      out.add(leak(t, i));
    }
    return out;
  }

  private static void run(AlertEngine engine, long fromMs, long toMs) {
    for (long t = T0 + fromMs; t <= T0 + toMs; t += 10_000) {
      engine.evaluate(incident(t), t);
    }
  }

  /** Work that may throw, for {@link #logLines}. */
  private interface Work {
    void run() throws Exception;
  }

  /** The log notifier's lines ({@code alert ...}) while {@code work} runs. */
  private static List<String> logLines(Work work) throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Logger jul = Logger.getLogger("io.poolscope.alerts");
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(capture);
    try {
      work.run();
    } finally {
      jul.removeHandler(capture);
    }
    return logged.stream().filter(l -> l.startsWith("alert ")).toList();
  }

  private static JsonNode body(Receiver r, int i) {
    return r.requests().get(i).json();
  }

  /**
   * The bodies whose text names {@code alertname}, in arrival order: one group's notifications
   * arrive in order, different groups' may overtake each other.
   */
  private static List<JsonNode> about(Receiver r, String alertname) {
    return r.requests().stream()
        .filter(q -> q.body().contains(alertname))
        .map(Receiver.Request::json)
        .toList();
  }

  @Test
  void anIncidentGivesOneNotificationPerGroupAndIntervalWithItsCounts() throws Exception {
    Receiver hook = receiver();
    AlertEngine engine = engine(NotifierTarget.of("hook", "webhook", hook.url("/"), null, null));
    run(engine, 0, 700_000);
    engine.close(); // waits for what is in flight
    // 11 alert instances fire and resolve: 22 transitions, 5 notifications.
    assertThat(hook.requests()).hasSize(5);

    List<JsonNode> leakGroup = about(hook, "PoolscopeConnectionLeak");
    List<JsonNode> waitGroup = about(hook, "PoolscopeAcquireWaitHigh");
    assertThat(leakGroup).hasSize(3);
    assertThat(waitGroup).hasSize(2);

    // +50 s: the leak group after its 30 s wait, with the call sites that came meanwhile.
    JsonNode leaks = leakGroup.get(0);
    assertThat(leaks.get("status").asText()).isEqualTo("firing");
    assertThat(leaks.get("groupKey").asText())
        .isEqualTo("{alertname=\"PoolscopeConnectionLeak\",db=\"pg1\",service=\"payments\"}");
    assertThat(leaks.get("groupLabels").get("service").asText()).isEqualTo("payments");
    assertThat(leaks.get("alerts")).hasSize(5);
    assertThat(leaks.get("poolscope").get("firing").asInt()).isEqualTo(5);
    assertThat(leaks.get("commonLabels").get("call_site")).isNull(); // differs per alert
    assertThat(leaks.get("commonLabels").get("pool").asText()).isEqualTo("orders");

    // +90 s: the waits, fired at +60 s, after their wait: two families, three pods, five pools.
    JsonNode waits = waitGroup.get(0);
    assertThat(waits.get("status").asText()).isEqualTo("firing");
    assertThat(waits.get("alerts")).hasSize(2);
    assertThat(waits.get("poolscope").get("pods").asInt()).isEqualTo(3);
    assertThat(waits.get("poolscope").get("pools").asInt()).isEqualTo(5);
    assertThat(waits.get("alerts").get(0).get("pods").asInt()).isEqualTo(3);
    assertThat(waits.get("alerts").get(1).get("labels").get("pool").asText()).isEqualTo("reports");

    // +350 s: one group interval after the first leak notification, the sixth call site joins:
    // listed with the five still firing.
    JsonNode moreLeaks = leakGroup.get(1);
    assertThat(moreLeaks.get("status").asText()).isEqualTo("firing");
    assertThat(moreLeaks.get("alerts")).hasSize(6);
    assertThat(moreLeaks.get("poolscope").get("firing").asInt()).isEqualTo(6);

    // +400 s: the waits resolve; their group's interval has passed, so they are told at once.
    JsonNode waitsResolved = waitGroup.get(1);
    assertThat(waitsResolved.get("status").asText()).isEqualTo("resolved");
    assertThat(waitsResolved.get("poolscope").get("resolved").asInt()).isEqualTo(2);

    // +650 s: the leaks' resolve waited for their group interval (last sent at +350 s).
    JsonNode leaksResolved = leakGroup.get(2);
    assertThat(leaksResolved.get("status").asText()).isEqualTo("resolved");
    assertThat(leaksResolved.get("alerts")).hasSize(6);
    assertThat(leaksResolved.get("alerts").get(0).get("status").asText()).isEqualTo("resolved");

    // History: one delivery event per alert carried, the listed-again ones marked as repeats.
    List<AlertEvent> delivered =
        events.stream().filter(e -> e.type() == AlertEvent.Type.DELIVERED).toList();
    assertThat(delivered).hasSize(5 + 2 + 6 + 2 + 6);
    assertThat(delivered.stream().filter(e -> e.delivery().keepAlive())).hasSize(5);
    assertThat(delivered.stream().map(e -> e.delivery().groupKey()).distinct())
        .containsExactlyInAnyOrder(leaks.get("groupKey").asText(), waits.get("groupKey").asText());
  }

  @Test
  void aSuccessorEngineRestoredFromSavedStateNeitherRepagesNorLosesAnAlert() throws Exception {
    Receiver hook = receiver();
    NotifierTarget target = NotifierTarget.of("hook", "webhook", hook.url("/"), null, null);
    // The first engine dies without closing (kill -9): it never flushes what it had not told.
    AlertEngine first =
        AlertEngine.builder()
            .rules(RuleSet.defaults())
            .target(target)
            .listener(events::add)
            .build();
    run(first, 0, 70_000);
    Await.until("the leak notification", Duration.ofSeconds(10), () -> hook.requests().size() == 1);
    List<SavedAlert> saved = first.saveState();
    AlertEngine second = engine(target);
    second.restoreState(saved, T0 + 80_000);
    // The waits fired at +60 s in the first engine and were never told; their for: started at T0.
    assertThat(second.active())
        .filteredOn(a -> a.rule().equals("PoolscopeAcquireWaitHigh"))
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.activeSince()).isEqualTo(T0));
    run(second, 80_000, 700_000);
    second.close();

    // The same five notifications as one engine's uninterrupted run.
    assertThat(hook.requests()).hasSize(5);
    List<JsonNode> leakGroup = about(hook, "PoolscopeConnectionLeak");
    assertThat(leakGroup).hasSize(3);
    assertThat(about(hook, "PoolscopeAcquireWaitHigh")).hasSize(2);
    // The five leaks told by the first engine are repeats in the second's first notification.
    List<AlertEvent> delivered =
        events.stream().filter(e -> e.type() == AlertEvent.Type.DELIVERED).toList();
    assertThat(delivered).hasSize(5 + 2 + 6 + 2 + 6);
    assertThat(delivered.stream().filter(e -> e.delivery().keepAlive())).hasSize(5);
    // Their resolve carries the firing time the first engine gave them.
    assertThat(leakGroup.get(2).get("status").asText()).isEqualTo("resolved");
    assertThat(leakGroup.get(2).get("alerts").get(0).get("startsAt").asText())
        .isEqualTo(leakGroup.get(0).get("alerts").get(0).get("startsAt").asText());
  }

  @Test
  void alertsThatFireAndResolveWithinTheGroupWaitPageNobody() throws Exception {
    Receiver hook = receiver();
    AlertEngine engine = engine(NotifierTarget.of("hook", "webhook", hook.url("/"), null, null));
    engine.evaluate(List.of(leak(T0, 1)), T0);
    engine.evaluate(List.of(), T0 + 10_000);
    engine.evaluate(List.of(leak(T0 + 20_000, 2)), T0 + 20_000); // same group, still waiting
    engine.evaluate(List.of(leak(T0 + 30_000, 2)), T0 + 30_000); // wait over: only site 2
    engine.close();
    assertThat(hook.requests()).hasSize(1);
    assertThat(body(hook, 0).get("alerts")).hasSize(1);
    assertThat(body(hook, 0).get("alerts").get(0).get("labels").get("call_site").asText())
        .isEqualTo("com.acme.Job.run(Job.java:2)");
  }

  @Test
  void closingTheEngineTellsTheResolvesThatWaitForTheirGroupInterval() throws Exception {
    Receiver hook = receiver();
    AlertEngine engine = engine(NotifierTarget.of("hook", "webhook", hook.url("/"), null, null));
    for (long t = T0; t <= T0 + 30_000; t += 10_000) {
      engine.evaluate(List.of(leak(t, 1)), t);
    }
    engine.evaluate(List.of(), T0 + 40_000); // resolved; the next interval is 5 minutes away
    Await.until("firing", WAIT, () -> hook.requests().size() == 1);
    engine.close();
    assertThat(hook.requests()).hasSize(2);
    assertThat(body(hook, 1).get("status").asText()).isEqualTo("resolved");
  }

  @Test
  void aStillFiringGroupIsRepeatedAfterTheRepeatInterval() throws Exception {
    Receiver hook = receiver();
    AlertEngine engine =
        engine(
            NotifierTarget.builder("hook", "webhook")
                .url(hook.url("/"))
                .repeatInterval(Duration.ofMinutes(30))
                .build());
    for (long t = T0; t <= T0 + 70 * 60_000L; t += 60_000) {
      engine.evaluate(List.of(leak(t, 1)), t);
    }
    engine.close();
    // At +1 min (first evaluation after the 30 s wait), +31 min and +61 min.
    assertThat(hook.requests()).hasSize(3);
    List<AlertEvent> delivered =
        events.stream().filter(e -> e.type() == AlertEvent.Type.DELIVERED).toList();
    assertThat(delivered)
        .extracting(e -> e.delivery().keepAlive())
        .containsExactly(false, true, true);
    assertThat(body(hook, 2).get("alerts").get(0).get("startsAt").asText())
        .isEqualTo(body(hook, 0).get("alerts").get(0).get("startsAt").asText());
  }

  @Test
  void groupByIsPerTargetAndEllipsisGroupsByEveryLabel() throws Exception {
    Receiver perService = receiver();
    Receiver perAlert = receiver();
    Receiver perRule = receiver();
    AlertEngine engine =
        engine(
            NotifierTarget.of("svc", "webhook", perService.url("/"), null, null),
            NotifierTarget.builder("each", "webhook")
                .url(perAlert.url("/"))
                .groupBy(List.of("..."))
                .build(),
            NotifierTarget.builder("rule", "webhook")
                .url(perRule.url("/"))
                .groupBy(List.of("alertname"))
                .build());
    for (long t = T0; t <= T0 + 40_000; t += 10_000) {
      engine.evaluate(
          List.of(
              leak(t, 1),
              leak(t, 2),
              s(
                  LEAKS,
                  1,
                  t,
                  "db",
                  "pg1",
                  "service",
                  "jobs",
                  "pool",
                  "batch",
                  "state",
                  "suspected",
                  "call_site",
                  "com.acme.Batch.go(Batch.java:9)")),
          t);
    }
    engine.close();
    assertThat(perService.requests()).hasSize(2); // payments, jobs
    assertThat(perAlert.requests()).hasSize(3);
    assertThat(perRule.requests()).hasSize(1);
    assertThat(body(perRule, 0).get("alerts")).hasSize(3);
    assertThat(body(perRule, 0).get("groupLabels").size()).isEqualTo(1);
  }

  @Test
  void slackPagerDutyAndLogCarryTheGroup() throws Exception {
    Receiver slack = receiver();
    Receiver pd = receiver();
    List<String> lines =
        logLines(
            () -> {
              AlertEngine engine =
                  engine(
                      NotifierTarget.of("slack", "slack", slack.url("/services/T/B/X"), null, null),
                      NotifierTarget.of("pd", "pagerduty", pd.url("/v2/enqueue"), "R0UT1NG", null),
                      NotifierTarget.of("log", "log", null, null, null));
              run(engine, 0, 700_000);
              engine.close();
            });
    String expectedHead =
        "[FIRING:critical] PoolscopeConnectionLeak (5 firing, 0 resolved; 1 pool): Connection leak"
            + " in payments pool orders at com.acme.Job.run(Job.java:1) and 4 more";
    assertThat(slack.requests()).hasSize(5);
    List<JsonNode> slackLeaks = about(slack, "PoolscopeConnectionLeak");
    JsonNode m = slackLeaks.get(0);
    assertThat(m.get("text").asText()).isEqualTo(expectedHead);
    assertThat(m.get("blocks").get(1).get("text").get("text").asText())
        .startsWith(
            "• firing: Connection leak in payments pool orders at com.acme.Job.run(Job.java:1)")
        .contains("Job.java:5)");
    assertThat(about(slack, "PoolscopeAcquireWaitHigh").get(0).get("text").asText())
        .isEqualTo(
            "[FIRING:warning] PoolscopeAcquireWaitHigh (2 firing, 0 resolved; 3 pods, 5 pools):"
                + " Acquire wait p99 of payments pool orders is up to 500ms and 1 more");
    assertThat(slackLeaks.get(2).get("text").asText())
        .startsWith("[RESOLVED] PoolscopeConnectionLeak (0 firing, 6 resolved; 1 pool)");

    assertThat(pd.requests()).hasSize(5);
    JsonNode trigger = about(pd, "PoolscopeConnectionLeak").get(0);
    String key = trigger.get("dedup_key").asText();
    assertThat(key).matches("poolscope/PoolscopeConnectionLeak/[0-9a-f]{16}");
    assertThat(trigger.get("payload").get("summary").asText())
        .isEqualTo(expectedHead.substring("[FIRING:critical] ".length()));
    assertThat(trigger.get("payload").get("component").asText()).isEqualTo("payments");
    assertThat(trigger.get("payload").get("custom_details").get("firing").asInt()).isEqualTo(5);
    assertThat(trigger.get("payload").get("custom_details").get("alerts")).hasSize(5);
    // The sixth call site and the resolve go to the same incident; the waits have their own.
    List<JsonNode> incident = about(pd, key);
    assertThat(incident)
        .extracting(b -> b.get("event_action").asText())
        .containsExactly("trigger", "trigger", "resolve");
    assertThat(about(pd, "PoolscopeAcquireWaitHigh").get(0).get("dedup_key").asText())
        .isNotEqualTo(key);

    assertThat(lines).hasSize(5);
    assertThat(lines.stream().filter(l -> l.contains("PoolscopeConnectionLeak")).findFirst().get())
        .startsWith(
            "alert firing PoolscopeConnectionLeak severity=critical"
                + " group={alertname=PoolscopeConnectionLeak, db=pg1, service=payments} firing=5"
                + " resolved=0 pods=0 pools=1: firing PoolscopeConnectionLeak \"Connection leak in"
                + " payments pool orders at com.acme.Job.run(Job.java:1)\" |");
  }

  @Test
  void logLineGroupedByDbAndServiceNamesEveryRuleServiceCallSiteAndCounts() throws Exception {
    List<String> lines =
        logLines(
            () -> {
              AlertEngine engine =
                  engine(
                      NotifierTarget.builder("log", "log")
                          .groupBy(List.of("db", "service"))
                          .groupWait(Duration.ofSeconds(30))
                          .groupInterval(Duration.ofMinutes(5))
                          .build());
              run(engine, 0, 700_000);
              engine.close();
            });
    // One group for payments: the first five leaks after the group wait, the waits (firing from
    // +60 s) and the sixth leak at the 5-minute interval, everything resolved in one notification
    // at the next interval.
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .startsWith(
            "alert firing PoolscopeConnectionLeak severity=critical"
                + " group={db=pg1, service=payments} firing=5 resolved=0 pods=0 pools=1:"
                + " firing PoolscopeConnectionLeak \"Connection leak in payments pool orders at"
                + " com.acme.Job.run(Job.java:1)\"");
    assertThat(lines.get(1))
        .startsWith(
            "alert firing PoolscopeConnectionLeak+PoolscopeAcquireWaitHigh severity=critical"
                + " group={db=pg1, service=payments} firing=8 resolved=0 pods=3 pools=")
        .contains(
            "firing PoolscopeConnectionLeak \"Connection leak in payments pool orders at"
                + " com.acme.Job.run(Job.java:6)\"")
        .contains("firing PoolscopeAcquireWaitHigh \"Acquire wait p99 of payments pool reports");
    assertThat(lines.get(2))
        .startsWith(
            "alert resolved PoolscopeConnectionLeak+PoolscopeAcquireWaitHigh severity=critical"
                + " group={db=pg1, service=payments} firing=0 resolved=8");
  }

  @Test
  void alertmanagerGetsEachTicksAlertsInOnePostWithoutDuplicates() throws Exception {
    Receiver am = receiver();
    AlertEngine engine =
        engine(
            NotifierTarget.builder("am", "alertmanager")
                .url(am.url("/"))
                .resendInterval(Duration.ofSeconds(30))
                .build());
    // Three call sites fire at T0; the keep-alive at +30 s re-posts all three in one request.
    for (long t = T0; t <= T0 + 30_000; t += 10_000) {
      engine.evaluate(List.of(leak(t, 1), leak(t, 2), leak(t, 3)), t);
      if (t == T0) {
        Await.until("first post", WAIT, () -> am.requests().size() == 1);
      }
    }
    Await.until("re-post", WAIT, () -> am.requests().size() == 2);
    engine.evaluate(List.of(leak(T0 + 40_000, 1)), T0 + 40_000); // two resolve
    engine.close();
    assertThat(am.requests()).hasSize(3);
    assertThat(body(am, 0)).hasSize(3);
    assertThat(body(am, 1)).hasSize(3);
    JsonNode resolves = body(am, 2);
    assertThat(resolves).hasSize(2);
    assertThat(resolves.get(0).get("labels").get("call_site").asText())
        .isEqualTo("com.acme.Job.run(Job.java:2)");
    assertThat(resolves.get(1).get("labels").get("call_site").asText())
        .isEqualTo("com.acme.Job.run(Job.java:3)");
  }
}
