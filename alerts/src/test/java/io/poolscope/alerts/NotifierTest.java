package io.poolscope.alerts;

import static io.poolscope.alerts.Samples.s;
import static io.poolscope.alerts.Samples.server;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Notifiers against real HTTP receivers on 127.0.0.1. */
class NotifierTest {
  private static final long T0 = 1_763_798_400_000L;
  private static final String UTIL = "poolscope_server_connections_utilization_ratio";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AlertEvent> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private Receiver receiver(int status) throws Exception {
    Receiver r = new Receiver(status);
    closeables.add(r);
    return r;
  }

  private AlertEngine engine(NotifierTarget... targets) {
    AlertEngine e =
        AlertEngine.builder()
            .rules(RuleSet.defaults())
            .targets(List.of(targets))
            .listener(events::add)
            .externalUrl("http://poolscope.example:4318/")
            .build();
    closeables.add(0, e); // engine closes before its receivers
    return e;
  }

  /** Fast retries, and no group wait or interval: each transition is told at its evaluation. */
  private static NotifierTarget.Builder fast(String name, String type, String url) {
    return NotifierTarget.builder(name, type)
        .url(url)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .groupWait(Duration.ZERO)
        .groupInterval(Duration.ZERO);
  }

  /** Utilisation 0.9 from T0 to T0+90 s (fires at +60 s), then 0.5 (resolves at +100 s). */
  private static void crossAndRecover(AlertEngine engine) {
    for (long t = T0; t <= T0 + 120_000; t += 10_000) {
      double v = t <= T0 + 90_000 ? 0.9 : 0.5;
      engine.evaluate(List.of(s(UTIL, v, t, server("pg1"))), t);
    }
  }

  private List<AlertEvent> deliveries(AlertEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  @Test
  void webhookGetsExactlyOneFiringAndOneResolveInAlertmanagerWebhookShape() throws Exception {
    Receiver hook = receiver(200);
    AlertEngine engine = engine(fast("hook", "webhook", hook.url("/hook")).build());
    crossAndRecover(engine);
    Await.until("two deliveries", WAIT, () -> deliveries(AlertEvent.Type.DELIVERED).size() == 2);
    List<Receiver.Request> got = hook.requests();
    assertThat(got).hasSize(2);
    JsonNode firing = got.get(0).json();
    JsonNode resolved = got.get(1).json();
    assertThat(got.get(0).method()).isEqualTo("POST");
    assertThat(got.get(0).path()).isEqualTo("/hook");
    assertThat(got.get(0).header("Content-Type")).isEqualTo("application/json");
    assertThat(firing.get("version").asText()).isEqualTo("4");
    assertThat(firing.get("status").asText()).isEqualTo("firing");
    assertThat(firing.get("receiver").asText()).isEqualTo("hook");
    assertThat(firing.get("groupLabels").get("alertname").asText())
        .isEqualTo("PoolscopeBudgetHigh");
    assertThat(firing.get("commonLabels").get("server").asText()).isEqualTo("pg1");
    assertThat(firing.get("externalURL").asText()).isEqualTo("http://poolscope.example:4318/");
    assertThat(firing.get("truncatedAlerts").asInt()).isZero();
    assertThat(firing.get("groupKey").asText())
        .isEqualTo("{alertname=\"PoolscopeBudgetHigh\",server=\"pg1\"}");
    JsonNode a = firing.get("alerts").get(0);
    assertThat(a.get("status").asText()).isEqualTo("firing");
    assertThat(a.get("labels").get("alertname").asText()).isEqualTo("PoolscopeBudgetHigh");
    assertThat(a.get("labels").get("severity").asText()).isEqualTo("warning");
    assertThat(a.get("annotations").get("summary").asText())
        .isEqualTo("Server pg1 uses 90% of its usable connections");
    assertThat(a.get("startsAt").asText()).isEqualTo(Instant.ofEpochMilli(T0 + 60_000).toString());
    assertThat(a.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(a.get("generatorURL").asText()).isEqualTo("http://poolscope.example:4318/");
    assertThat(a.get("value").asDouble()).isEqualTo(0.9);
    assertThat(resolved.get("status").asText()).isEqualTo("resolved");
    JsonNode r = resolved.get("alerts").get(0);
    assertThat(r.get("endsAt").asText()).isEqualTo(Instant.ofEpochMilli(T0 + 100_000).toString());
    assertThat(r.get("fingerprint").asText()).isEqualTo(a.get("fingerprint").asText());
    // Evaluating on while nothing changes sends nothing more.
    for (long t = T0 + 130_000; t <= T0 + 200_000; t += 10_000) {
      engine.evaluate(List.of(s(UTIL, 0.5, t, server("pg1"))), t);
    }
    engine.close();
    assertThat(hook.requests()).hasSize(2);
  }

  @Test
  void failingReceiverIsRetriedWithBackoffWhileEvaluationGoesOn() throws Exception {
    Receiver hook = receiver(200).thenAnswer(500, 500, 503);
    AlertEngine engine = engine(fast("hook", "webhook", hook.url("/")).maxAttempts(5).build());
    long slowest = 0;
    for (long t = T0; t <= T0 + 60_000; t += 10_000) {
      long start = System.nanoTime();
      engine.evaluate(List.of(s(UTIL, 0.9, t, server("pg1"))), t);
      slowest = Math.max(slowest, System.nanoTime() - start);
    }
    Await.until(
        "delivered after retries", WAIT, () -> !deliveries(AlertEvent.Type.DELIVERED).isEmpty());
    List<AlertEvent> failed = deliveries(AlertEvent.Type.FAILED);
    assertThat(failed).extracting(e -> e.delivery().attempt()).containsExactly(1, 2, 3);
    assertThat(failed).extracting(e -> e.delivery().status()).containsExactly(500, 500, 503);
    assertThat(failed).allMatch(e -> e.delivery().willRetry());
    assertThat(failed.get(0).delivery().error()).isEqualTo("HTTP 500: receiver says no");
    AlertEvent ok = deliveries(AlertEvent.Type.DELIVERED).get(0);
    assertThat(ok.delivery().attempt()).isEqualTo(4);
    assertThat(ok.delivery().target()).isEqualTo("hook");
    // Four identical bodies: the retries resend the same notification.
    assertThat(hook.requests())
        .hasSize(4)
        .extracting(Receiver.Request::body)
        .containsOnly(hook.requests().get(0).body());
    // Retries are spaced by growing backoff (20, 40, 80 ms at least).
    List<Receiver.Request> reqs = hook.requests();
    for (int i = 1; i < reqs.size(); i++) {
      long gapMs = (reqs.get(i).receivedNanos() - reqs.get(i - 1).receivedNanos()) / 1_000_000;
      assertThat(gapMs).isGreaterThanOrEqualTo(20L << (i - 1));
    }
    // Evaluation meanwhile: the alert moved on to firing while the receiver failed, and no
    // evaluate() waited on the network.
    engine.evaluate(List.of(s(UTIL, 0.5, T0 + 70_000, server("pg1"))), T0 + 70_000);
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(500));
    Await.until("resolve delivered", WAIT, () -> deliveries(AlertEvent.Type.DELIVERED).size() == 2);
  }

  @Test
  void evaluationDoesNotWaitForAReceiverThatHangs() throws Exception {
    Receiver slow = receiver(200);
    slow.holdResponses();
    AlertEngine engine = engine(fast("slow", "webhook", slow.url("/")).build());
    // Only the evaluate() calls are timed, not the wait for the request: a call that waited on
    // the hung receiver would take its 10 s request timeout.
    long start = System.nanoTime();
    engine.evaluate(
        List.of(
            s(
                "poolscope_connection_leaks_recent",
                1,
                T0,
                "db",
                "pg1",
                "state",
                "suspected",
                "call_site",
                "a.B.c(B.java:1)")),
        T0);
    long firstNanos = System.nanoTime() - start;
    Await.until("request arrived", WAIT, () -> slow.requests().size() == 1);
    start = System.nanoTime();
    engine.evaluate(List.of(), T0 + 10_000); // resolves while the firing is still in flight
    long tookMs = (firstNanos + System.nanoTime() - start) / 1_000_000;
    assertThat(tookMs).isLessThan(2_000);
    assertThat(slow.requests()).hasSize(1); // the resolve waits for the firing: order is kept
    slow.release();
    Await.until("resolve after firing", WAIT, () -> slow.requests().size() == 2);
    assertThat(slow.requests().get(1).json().get("status").asText()).isEqualTo("resolved");
  }

  @Test
  void pagerDutyTriggerAndResolveCarryTheSameDedupKey() throws Exception {
    Receiver pd = receiver(202);
    AlertEngine engine =
        engine(
            NotifierTarget.builder("pd", "pagerduty")
                .url(pd.url("/v2/enqueue"))
                .routingKey("R0UT1NGKEY0000000000000000000000")
                .groupWait(Duration.ZERO)
                .groupInterval(Duration.ZERO)
                .build());
    crossAndRecover(engine);
    Await.until("trigger and resolve", WAIT, () -> pd.requests().size() == 2);
    JsonNode trigger = pd.requests().get(0).json();
    JsonNode resolve = pd.requests().get(1).json();
    assertThat(pd.requests().get(0).path()).isEqualTo("/v2/enqueue");
    assertThat(trigger.get("routing_key").asText()).isEqualTo("R0UT1NGKEY0000000000000000000000");
    assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
    String key = trigger.get("dedup_key").asText();
    assertThat(key).matches("poolscope/PoolscopeBudgetHigh/[0-9a-f]{16}");
    assertThat(trigger.get("client").asText()).isEqualTo("Poolscope");
    assertThat(trigger.get("client_url").asText()).isEqualTo("http://poolscope.example:4318/");
    JsonNode p = trigger.get("payload");
    assertThat(p.get("summary").asText())
        .isEqualTo("PoolscopeBudgetHigh: Server pg1 uses 90% of its usable connections");
    assertThat(p.get("source").asText()).isEqualTo("pg1");
    assertThat(p.get("severity").asText()).isEqualTo("warning");
    assertThat(p.get("timestamp").asText()).isEqualTo(Instant.ofEpochMilli(T0 + 60_000).toString());
    assertThat(p.get("group").asText()).isEqualTo("pg1");
    assertThat(p.get("class").asText()).isEqualTo("PoolscopeBudgetHigh");
    assertThat(p.get("custom_details").get("value").asDouble()).isEqualTo(0.9);
    assertThat(p.get("custom_details").get("labels").get("severity").asText()).isEqualTo("warning");
    assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
    assertThat(resolve.get("dedup_key").asText()).isEqualTo(key);
    assertThat(resolve.get("routing_key").asText()).isEqualTo("R0UT1NGKEY0000000000000000000000");
    assertThat(resolve.has("payload")).isFalse();
    // The key is stable: the same rule and labels give it again in another engine (restart).
    AlertEngine again =
        engine(
            NotifierTarget.builder("pd", "pagerduty")
                .url(pd.url("/v2/enqueue"))
                .routingKey("R0UT1NGKEY0000000000000000000000")
                .groupWait(Duration.ZERO)
                .groupInterval(Duration.ZERO)
                .build());
    crossAndRecover(again);
    Await.until("second trigger", WAIT, () -> pd.requests().size() == 4);
    assertThat(pd.requests().get(2).json().get("dedup_key").asText()).isEqualTo(key);
  }

  @Test
  void alertmanagerGetsPostableAlertsAndFiringOnesAreRepostedToStayAlive() throws Exception {
    Receiver am = receiver(200);
    AlertEngine engine =
        engine(
            fast("am", "alertmanager", am.url("/")).resendInterval(Duration.ofSeconds(30)).build());
    String[] leak = {
      "db",
      "pg1",
      "service",
      "payments",
      "pool",
      "p",
      "state",
      "suspected",
      "call_site",
      "a.B.c(B.java:1)"
    };
    for (long t = T0; t <= T0 + 20_000; t += 10_000) {
      engine.evaluate(List.of(s("poolscope_connection_leaks_recent", 1, t, leak)), t);
    }
    // Delivered, not merely received: a re-post is skipped while a post is still in flight.
    Await.until("first post", WAIT, () -> deliveries(AlertEvent.Type.DELIVERED).size() == 1);
    engine.evaluate(
        List.of(s("poolscope_connection_leaks_recent", 1, T0 + 30_000, leak)), T0 + 30_000);
    Await.until("re-post delivered", WAIT, () -> deliveries(AlertEvent.Type.DELIVERED).size() == 2);
    assertThat(deliveries(AlertEvent.Type.DELIVERED))
        .extracting(e -> e.delivery().keepAlive())
        .containsExactly(false, true);
    engine.evaluate(List.of(), T0 + 40_000);
    Await.until("resolve", WAIT, () -> am.requests().size() == 3);
    assertThat(am.requests()).extracting(Receiver.Request::path).containsOnly("/api/v2/alerts");
    JsonNode first = am.requests().get(0).json();
    assertThat(first.isArray()).isTrue();
    JsonNode a = first.get(0);
    assertThat(a.get("labels").get("alertname").asText()).isEqualTo("PoolscopeConnectionLeak");
    assertThat(a.get("labels").get("call_site").asText()).isEqualTo("a.B.c(B.java:1)");
    assertThat(a.get("annotations").get("summary").asText()).contains("at a.B.c(B.java:1)");
    assertThat(a.get("startsAt").asText()).isEqualTo(Instant.ofEpochMilli(T0).toString());
    // endsAt four resend intervals ahead of the (wall-clock) send time
    long endsAt = Instant.parse(a.get("endsAt").asText()).toEpochMilli();
    assertThat(endsAt - System.currentTimeMillis()).isBetween(100_000L, 120_000L);
    assertThat(a.get("generatorURL").asText()).isEqualTo("http://poolscope.example:4318/");
    assertThat(am.requests().get(1).json().get(0).get("startsAt").asText())
        .isEqualTo(Instant.ofEpochMilli(T0).toString());
    assertThat(am.requests().get(2).json().get(0).get("endsAt").asText())
        .isEqualTo(Instant.ofEpochMilli(T0 + 40_000).toString());
  }

  @Test
  void slackGetsTextAndMrkdwnBlocks() throws Exception {
    Receiver slack = receiver(200);
    AlertEngine engine = engine(fast("slack", "slack", slack.url("/services/T0/B0/X")).build());
    crossAndRecover(engine);
    Await.until("two messages", WAIT, () -> slack.requests().size() == 2);
    JsonNode m = slack.requests().get(0).json();
    assertThat(m.get("text").asText())
        .isEqualTo(
            "[FIRING:warning] PoolscopeBudgetHigh: Server pg1 uses 90% of its usable connections");
    JsonNode section = m.get("blocks").get(0);
    assertThat(section.get("type").asText()).isEqualTo("section");
    assertThat(section.get("text").get("type").asText()).isEqualTo("mrkdwn");
    assertThat(section.get("text").get("text").asText())
        .startsWith("*[FIRING:warning] PoolscopeBudgetHigh: Server pg1")
        .contains("above 80% of the usable limit");
    JsonNode context = m.get("blocks").get(1);
    assertThat(context.get("type").asText()).isEqualTo("context");
    assertThat(context.get("elements").get(0).get("type").asText()).isEqualTo("mrkdwn");
    assertThat(context.get("elements").get(0).get("text").asText())
        .contains("`server=pg1`")
        .contains("<http://poolscope.example:4318/|Poolscope>");
    assertThat(slack.requests().get(1).json().get("text").asText())
        .startsWith("[RESOLVED] PoolscopeBudgetHigh");
  }

  @Test
  void routingSendsEachAlertOnlyToMatchingTargets() throws Exception {
    Receiver critical = receiver(200);
    Receiver all = receiver(200);
    Receiver dba = receiver(200);
    Receiver urgent = receiver(200);
    AlertEngine engine =
        engine(
            fast("critical", "webhook", critical.url("/")).match("severity", "critical").build(),
            fast("all", "webhook", all.url("/")).build(),
            fast("pg2-only", "webhook", dba.url("/")).match(Map.of("db", "pg2")).build(),
            fast("urgent", "webhook", urgent.url("/"))
                .matchRegex("severity", "critical|error")
                .build());
    engine.evaluate(
        List.of(
            s(UTIL, 0.9, T0, server("pg1")),
            s(
                "poolscope_connection_leaks_recent",
                1,
                T0,
                "db",
                "pg1",
                "service",
                "payments",
                "pool",
                "p",
                "state",
                "collected",
                "call_site",
                "a.B.c(B.java:1)")),
        T0);
    engine.evaluate(List.of(s(UTIL, 0.9, T0 + 60_000, server("pg1"))), T0 + 60_000);
    // "all": leak firing, leak resolve (absent at +60 s), budget firing; "critical": the leak's
    // two.
    Await.until("all got three", WAIT, () -> all.requests().size() == 3);
    Await.until("critical got two", WAIT, () -> critical.requests().size() == 2);
    assertThat(critical.requests())
        .hasSize(2)
        .allSatisfy(
            r ->
                assertThat(r.json().get("commonLabels").get("alertname").asText())
                    .isEqualTo("PoolscopeConnectionLeak"));
    Await.until("urgent got two", WAIT, () -> urgent.requests().size() == 2);
    assertThat(urgent.requests())
        .allSatisfy(
            r ->
                assertThat(r.json().get("commonLabels").get("severity").asText())
                    .isEqualTo("critical"));
    assertThat(dba.requests()).isEmpty();
  }

  @Test
  void clientErrorIsNotRetriedAndGivingUpIsRecorded() throws Exception {
    Receiver bad = receiver(400);
    Receiver down = receiver(500);
    AlertEngine engine =
        engine(
            fast("bad", "webhook", bad.url("/")).build(),
            fast("down", "webhook", down.url("/")).maxAttempts(3).build());
    engine.evaluate(
        List.of(
            s(
                "poolscope_connection_leaks_recent",
                1,
                T0,
                "db",
                "pg1",
                "state",
                "suspected",
                "call_site",
                "x")),
        T0);
    Await.until(
        "gave up",
        WAIT,
        () ->
            deliveries(AlertEvent.Type.FAILED).stream()
                    .filter(e -> !e.delivery().willRetry())
                    .count()
                == 2);
    assertThat(bad.requests()).hasSize(1);
    assertThat(down.requests()).hasSize(3);
  }

  @Test
  void delayFromThresholdEvaluationToDeliveryIsMeasured() throws Exception {
    Receiver hook = receiver(200);
    AlertEngine engine = engine(fast("hook", "webhook", hook.url("/")).build());
    long[] delays = new long[20];
    for (int i = 0; i < delays.length; i++) {
      long t = T0 + i * 20_000L;
      String site = "a.B.c(B.java:" + i + ")";
      long start = System.nanoTime();
      engine.evaluate(
          List.of(
              s(
                  "poolscope_connection_leaks_recent",
                  1,
                  t,
                  "db",
                  "pg1",
                  "state",
                  "suspected",
                  "call_site",
                  site)),
          t);
      int expected = 2 * i + 1;
      Await.until("delivery " + i, WAIT, () -> hook.requests().size() == expected);
      delays[i] = hook.requests().get(expected - 1).receivedNanos() - start;
      engine.evaluate(List.of(), t + 10_000);
      Await.until("resolve " + i, WAIT, () -> hook.requests().size() == expected + 1);
    }
    java.util.Arrays.sort(delays);
    System.out.printf(
        "evaluate() -> webhook received: median %.2f ms, max %.2f ms%n",
        delays[delays.length / 2] / 1e6, delays[delays.length - 1] / 1e6);
    assertThat(delays[delays.length / 2]).isLessThan(Duration.ofSeconds(1).toNanos());
  }
}
