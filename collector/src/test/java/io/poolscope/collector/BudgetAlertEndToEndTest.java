package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.poolscope.alerts.RuleSet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget alert end to end over real HTTP: simulated pods export OTLP to a started collector,
 * their open connections cross 80 % of usable, and real local receivers get the notifications.
 *
 * <p>Rules: the built-in {@code PoolscopeBudgetHigh} rule exactly as exported by {@link
 * RuleSet#defaults()}, with {@code for: 1m} shortened to {@code for: 2s} so the test is quick;
 * evaluation every 250 ms ({@code fleet.exportInterval}).
 */
class BudgetAlertEndToEndTest {
  static final String DB = "127.0.0.1:5432/budget";
  static final String ID = "postgresql_127.0.0.1_5432_budget";
  static final String SERVER = "postgresql_127.0.0.1_5432";
  static final int MAX_CONNECTIONS = 20; // nothing reserved: usable 20, threshold open > 16
  static final Duration INTERVAL = Duration.ofMillis(250);
  static final long FOR_MILLIS = 2000;
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  @TempDir Path dir;

  /** The two pods' open connections; the feeder exports whatever they hold now. */
  final AtomicInteger openA = new AtomicInteger(7);

  final AtomicInteger openB = new AtomicInteger(7);
  ScheduledExecutorService feeder;
  final List<Receiver> receivers = new CopyOnWriteArrayList<>();

  @BeforeEach
  void rules() throws IOException {
    Files.writeString(dir.resolve("rules.yml"), budgetRuleWithShortFor());
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (feeder != null) {
      feeder.shutdownNow();
      assertThat(feeder.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
    receivers.forEach(Receiver::close);
  }

  @Test
  void webhookGetsOneFiringNotBeforeForAndOneResolve() throws Exception {
    Receiver hook = receiver(n -> 200);
    try (Collector c = start(List.of(notifier("hook", "webhook", hook.url("/hook"), null)))) {
      Http http = new Http(c);
      feed(http);
      awaitBelowThreshold(http);

      // The crossing: pod B goes from 7 to 10 open, 17/20 = 0.85 of usable. The time is taken
      // before the value changes, so no export carrying it can precede it.
      long crossedNanos = System.nanoTime();
      long crossedMillis = System.currentTimeMillis();
      openB.set(10);
      http.postProto("/v1/metrics", podB().request());

      Http.await(TIMEOUT, () -> "pending".equals(budgetAlertState(http)), () -> alerts(http));
      assertThat(hook.count("firing")).as("no notification while pending").isZero();

      Http.await(TIMEOUT, () -> hook.count("firing") == 1, () -> alerts(http));
      Received firing = hook.first("firing");
      long delayMillis = (firing.nanos - crossedNanos) / 1_000_000;
      System.out.printf(
          "threshold crossed -> webhook firing received: %d ms (for: %d ms, interval %d ms:"
              + " for + %d ms)%n",
          delayMillis, FOR_MILLIS, INTERVAL.toMillis(), delayMillis - FOR_MILLIS);
      assertThat(delayMillis).as("not before for: has elapsed").isGreaterThanOrEqualTo(FOR_MILLIS);
      assertThat(delayMillis)
          .as("within for + a few intervals")
          .isLessThan(FOR_MILLIS + 8 * INTERVAL.toMillis());

      JsonNode body = firing.json();
      assertThat(body.get("version").asText()).isEqualTo("4");
      assertThat(body.get("status").asText()).isEqualTo("firing");
      JsonNode alert = body.get("alerts").get(0);
      assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("PoolscopeBudgetHigh");
      // The budget is the server's: the old per-database entry names server 127.0.0.1:5432.
      assertThat(alert.get("labels").get("server").asText()).isEqualTo(SERVER);
      assertThat(alert.get("labels").get("severity").asText()).isEqualTo("warning");
      assertThat(alert.get("annotations").get("summary").asText()).contains(SERVER).contains("85%");
      assertThat(Instant.parse(alert.get("startsAt").asText()).toEpochMilli())
          .isGreaterThanOrEqualTo(crossedMillis + FOR_MILLIS);

      // Still above: evaluations go on (the value follows the fleet) and do not page again.
      openA.set(9);
      Http.await(TIMEOUT, () -> budgetAlertValue(http) == 0.95, () -> alerts(http));
      openA.set(8);
      Http.await(TIMEOUT, () -> budgetAlertValue(http) == 0.9, () -> alerts(http));
      assertThat(hook.count("firing")).isEqualTo(1);

      // Back to 15/20 = 0.75: one resolve.
      openB.set(7);
      openA.set(8);
      Http.await(TIMEOUT, () -> hook.count("resolved") == 1, () -> alerts(http));
      assertThat(body(hook.first("resolved")).get("labels").get("alertname").asText())
          .isEqualTo("PoolscopeBudgetHigh");

      // A blip above the threshold shorter than for: is evaluated (pending shows) but pages
      // nobody, and the resolve is not sent again.
      openB.set(10);
      Http.await(TIMEOUT, () -> "pending".equals(budgetAlertState(http)), () -> alerts(http));
      openB.set(7);
      Http.await(TIMEOUT, () -> budgetAlertState(http) == null, () -> alerts(http));
      assertThat(hook.count("firing")).isEqualTo(1);
      assertThat(hook.count("resolved")).isEqualTo(1);
      assertThat(hook.received).hasSize(2);

      JsonNode history = http.json("/api/alerts").get("history");
      assertThat(history.findValuesAsText("event")).containsExactlyInAnyOrder("firing", "resolved");
    }
  }

  @Test
  void pagerDutyAndAlertmanagerPayloadsAndRetriesWithoutStoppingEvaluation() throws Exception {
    Receiver pd = receiver(n -> 202);
    Receiver am = receiver(n -> 200);
    Receiver flaky = receiver(n -> n <= 2 ? 500 : 200);
    try (Collector c =
        start(
            List.of(
                notifier("pd", "pagerduty", pd.url("/v2/enqueue"), "R0UTING-KEY"),
                notifier("am", "alertmanager", am.url(""), null),
                notifier("flaky", "webhook", flaky.url("/flaky"), null)))) {
      Http http = new Http(c);
      feed(http);
      awaitBelowThreshold(http);
      openB.set(10);

      Http.await(
          TIMEOUT,
          () -> pd.count() == 1 && am.count() == 1 && flaky.count() == 1,
          () -> "pd " + pd.count() + ", am " + am.count() + ", flaky " + flaky.count());
      // The first attempt at the flaky receiver failed; its retries are due after 1 s and 3 s.
      // Meanwhile evaluation goes on: the alert's value follows the fleet, the overview too.
      openA.set(8);
      Http.await(TIMEOUT, () -> budgetAlertValue(http) == 0.9, () -> alerts(http));
      JsonNode overview = http.json("/api/overview");
      int flakyAttemptsThen = flaky.count();
      assertThat(flakyAttemptsThen)
          .as("evaluated again before the retries were done")
          .isLessThan(3);
      assertThat(overview.get("alerts").get("firing").asInt()).isEqualTo(1);
      assertThat(overview.get("databases").get(0).get("open").asInt()).isEqualTo(18);
      assertThat(overview.get("databases").get(0).get("alertState").asText()).isEqualTo("warning");

      Http.await(TIMEOUT, () -> flaky.count() == 3, () -> "flaky " + flaky.count());
      Http.await(
          TIMEOUT,
          () -> "3".equals(delivery(http, "firing", "flaky", "attempts")),
          () -> alerts(http));
      assertThat(delivery(http, "firing", "flaky", "status")).isEqualTo("delivered");
      assertThat(delivery(http, "firing", "pd", "attempts")).isEqualTo("1");
      assertThat(delivery(http, "firing", "am", "attempts")).isEqualTo("1");
      assertThat(flaky.status).containsExactly(500, 500, 200);

      // PagerDuty Events API v2 trigger (RULES.md section 5).
      Received trigger = pd.received.get(0);
      assertThat(trigger.path).isEqualTo("/v2/enqueue");
      assertThat(trigger.contentType).startsWith("application/json");
      JsonNode t = trigger.json();
      assertThat(t.get("routing_key").asText()).isEqualTo("R0UTING-KEY");
      assertThat(t.get("event_action").asText()).isEqualTo("trigger");
      String dedupKey = t.get("dedup_key").asText();
      assertThat(dedupKey).matches("poolscope/PoolscopeBudgetHigh/[0-9a-f]{16}");
      JsonNode payload = t.get("payload");
      assertThat(payload.get("summary").asText()).contains(SERVER).hasSizeLessThanOrEqualTo(1024);
      assertThat(payload.get("source").asText()).isEqualTo(SERVER);
      assertThat(payload.get("severity").asText()).isEqualTo("warning");
      assertThat(payload.get("class").asText()).isEqualTo("PoolscopeBudgetHigh");
      assertThat(Instant.parse(payload.get("timestamp").asText())).isAfter(Instant.EPOCH);

      // Alertmanager v2: a JSON array posted to /api/v2/alerts.
      Received posted = am.received.get(0);
      assertThat(posted.path).isEqualTo("/api/v2/alerts");
      assertThat(posted.contentType).startsWith("application/json");
      JsonNode amFiring = posted.json();
      assertThat(amFiring.isArray()).isTrue();
      assertThat(amFiring).hasSize(1);
      assertThat(amFiring.get(0).get("labels").get("alertname").asText())
          .isEqualTo("PoolscopeBudgetHigh");
      assertThat(amFiring.get(0).get("labels").get("server").asText()).isEqualTo(SERVER);
      Instant startsAt = Instant.parse(amFiring.get(0).get("startsAt").asText());
      assertThat(Instant.parse(amFiring.get(0).get("endsAt").asText()))
          .as("a firing alert ends in the future (4 x resendInterval)")
          .isAfter(Instant.now().plusSeconds(60));

      // Resolve: PagerDuty resolve with the same key, Alertmanager endsAt = resolve time.
      openB.set(7);
      openA.set(7);
      Http.await(
          TIMEOUT,
          () -> pd.count() == 2 && am.count() == 2 && flaky.count() == 4,
          () -> "pd " + pd.count() + ", am " + am.count() + ", flaky " + flaky.count());
      JsonNode r = pd.received.get(1).json();
      assertThat(r.get("event_action").asText()).isEqualTo("resolve");
      assertThat(r.get("dedup_key").asText()).isEqualTo(dedupKey);
      assertThat(r.get("routing_key").asText()).isEqualTo("R0UTING-KEY");
      JsonNode amResolved = am.received.get(1).json().get(0);
      assertThat(amResolved.get("labels").get("alertname").asText())
          .isEqualTo("PoolscopeBudgetHigh");
      assertThat(Instant.parse(amResolved.get("startsAt").asText())).isEqualTo(startsAt);
      assertThat(Instant.parse(amResolved.get("endsAt").asText()))
          .isAfter(startsAt)
          .isBefore(Instant.now().plusSeconds(1));
    }
  }

  // --- the collector and the simulated pods

  private Collector start(List<CollectorConfig.Notifier> notifiers) {
    return Collector.start(
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .exportInterval(INTERVAL)
            .storeUrl("jdbc:h2:file:" + dir.resolve("store"))
            .alertRules(dir.resolve("rules.yml"))
            .databases(List.of(CollectorConfig.Database.withLimit(ID, MAX_CONNECTIONS)))
            .notifiers(notifiers)
            .build());
  }

  private static CollectorConfig.Notifier notifier(
      String name, String type, String url, String routingKey) {
    // Told at the evaluation that fires or resolves: grouping has its own tests in alerts.
    return new CollectorConfig.Notifier(name, type, url, routingKey, null, null)
        .withGrouping(null, Duration.ZERO, Duration.ZERO, null);
  }

  /** Each pod exports every 100 ms, as agents do every interval (a silent pod goes stale). */
  private void feed(Http http) {
    feeder =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "test-pods");
              t.setDaemon(true);
              return t;
            });
    feeder.scheduleAtFixedRate(
        () -> {
          http.postProto("/v1/metrics", podA().request());
          http.postProto("/v1/metrics", podB().request());
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
  }

  private Otlp.Pod podA() {
    return Otlp.pod("budget", "budget-a").pool(DB, "pool", 1, 4, 10, 0).open(DB, openA.get());
  }

  private Otlp.Pod podB() {
    return Otlp.pod("budget", "budget-b").pool(DB, "pool", 1, 4, 10, 0).open(DB, openB.get());
  }

  private static void awaitBelowThreshold(Http http) {
    Http.await(
        TIMEOUT,
        () -> {
          JsonNode dbs = http.json("/api/overview").get("databases");
          return dbs.size() == 1
              && dbs.get(0).get("open").asInt() == 14
              && dbs.get(0).get("usable").asInt() == MAX_CONNECTIONS;
        },
        () -> http.json("/api/overview").toString());
    assertThat(http.json("/api/alerts").get("active")).isEmpty();
  }

  private static JsonNode budgetAlert(Http http) {
    for (JsonNode a : http.json("/api/alerts").get("active")) {
      if ("PoolscopeBudgetHigh".equals(a.get("rule").asText())) {
        return a;
      }
    }
    return null;
  }

  private static String budgetAlertState(Http http) {
    JsonNode a = budgetAlert(http);
    return a == null ? null : a.get("state").asText();
  }

  private static double budgetAlertValue(Http http) {
    JsonNode a = budgetAlert(http);
    return a == null ? Double.NaN : a.get("value").asDouble();
  }

  private static String alerts(Http http) {
    return http.json("/api/alerts").toString();
  }

  /** A field of {@code target}'s delivery on the newest history entry of {@code event}. */
  private static String delivery(Http http, String event, String target, String field) {
    for (JsonNode h : http.json("/api/alerts").get("history")) {
      if (event.equals(h.get("event").asText())) {
        for (JsonNode d : h.get("deliveries")) {
          if (target.equals(d.get("target").asText())) {
            return d.get(field).asText();
          }
        }
        return null;
      }
    }
    return null;
  }

  /**
   * The default budget rule from {@link RuleSet#defaults()}'s export, alone, with {@code for: 2s}.
   */
  static String budgetRuleWithShortFor() {
    String all = RuleSet.defaults().toPrometheusRuleFile();
    String marker = "      - alert: ";
    int first = all.indexOf(marker);
    int start = all.indexOf(marker + "PoolscopeBudgetHigh\n");
    int end = all.indexOf(marker, start + 1);
    String rule = all.substring(start, end < 0 ? all.length() : end);
    assertThat(rule).contains("        for: 1m\n");
    return all.substring(0, first) + rule.replace("        for: 1m\n", "        for: 2s\n");
  }

  // --- receivers

  private Receiver receiver(IntUnaryOperator statusForAttempt) throws IOException {
    Receiver r = new Receiver(statusForAttempt);
    receivers.add(r);
    return r;
  }

  private static JsonNode body(Received r) {
    return r.json().get("alerts").get(0);
  }

  /** One request as a receiver saw it, with the time it arrived. */
  record Received(long nanos, String path, String contentType, byte[] body) {
    JsonNode json() {
      return Http.parse(body);
    }
  }

  /** A real HTTP receiver on 127.0.0.1:0 answering the n-th request (from 1) as told. */
  static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<Integer> status = new CopyOnWriteArrayList<>();

    Receiver(IntUnaryOperator statusForAttempt) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          ex -> {
            long nanos = System.nanoTime();
            byte[] body = ex.getRequestBody().readAllBytes();
            int code;
            synchronized (this) {
              received.add(
                  new Received(
                      nanos,
                      ex.getRequestURI().getPath(),
                      ex.getRequestHeaders().getFirst("Content-Type"),
                      body));
              code = statusForAttempt.applyAsInt(received.size());
              status.add(code);
            }
            ex.sendResponseHeaders(code, -1);
            ex.close();
          });
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int count() {
      return received.size();
    }

    /** Webhook bodies with this top-level status. */
    long count(String webhookStatus) {
      return received.stream()
          .filter(r -> webhookStatus.equals(r.json().get("status").asText()))
          .count();
    }

    Received first(String webhookStatus) {
      return received.stream()
          .filter(r -> webhookStatus.equals(r.json().get("status").asText()))
          .findFirst()
          .orElseThrow();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
