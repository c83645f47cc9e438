package io.poolscope.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.demo.internal.ChildProcesses;
import io.poolscope.demo.internal.Poll;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three pool rules of the defaults fire on real pools: an application JVM with the real agent
 * ({@link PoolRulesApp}: DBCP2 pools on H2) exports to a real collector started here, which
 * evaluates the built-in rules {@code PoolscopePoolTimeouts}, {@code
 * PoolscopeConnectionPastMaxLifetime} and {@code PoolscopeConnectionChurn} exactly as {@link
 * RuleSet#defaults()} has them, except the lifetime rule's {@code for: 1m}, shortened to 2 s so the
 * test is quick. Evaluation every 250 ms ({@code fleet.exportInterval}).
 */
class PoolRulesEndToEndIT {
  static final Set<String> RULES =
      Set.of(
          "PoolscopePoolTimeouts",
          "PoolscopeConnectionPastMaxLifetime",
          "PoolscopeConnectionChurn");
  static final Duration WAIT = Duration.ofSeconds(90);
  static final Duration POLL = Duration.ofMillis(200);

  @TempDir Path dir;

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void timeoutsLifetimeAndReopeningFireOnRealPools() throws Exception {
    Path agentJar =
        Path.of(System.getProperty("poolscope.agent.jar", "../agent/target/poolscope-agent.jar"));
    assertThat(agentJar).as("the real agent jar, built by the agent module").isRegularFile();
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, new RuleSet(poolRules(), "pool rules").toPrometheusRuleFile());
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .exportInterval(Duration.ofMillis(250))
            .storeUrl("jdbc:h2:file:" + dir.resolve("store").toAbsolutePath())
            .alertRules(rules)
            .build();
    try (Collector collector = Collector.start(config);
        ChildProcesses children = new ChildProcesses()) {
      String api = "http://127.0.0.1:" + collector.port();
      Path log = dir.resolve("app.log");
      ChildProcesses.Child app =
          children.start("pool-rules-app", command(agentJar, api), Map.of(), log);

      // Every pool is known to the collector (its first figures exported) before any breaks.
      Poll.until(
          "the three pools in the collector",
          WAIT,
          POLL,
          () -> pools(api),
          p ->
              p.size() == 3
                  && p.stream().allMatch(x -> x.path("connectionsCreated").asLong() >= 1));
      // (The lifetime rule may already be pending: DBCP2 without an evictor leaves an idle
      // connection past its max lifetime in the pool, which is what that rule is for.)
      assertThat(pools(active(api), "PoolscopePoolTimeouts")).isEmpty();
      assertThat(pools(active(api), "PoolscopeConnectionChurn")).isEmpty();
      OutputStream stdin = app.process().getOutputStream();
      stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();

      // DBCP2 pools are named BasicDataSource-N; each has its own H2 database, named like it.
      String exhausted = poolLabel(pools(api), "exhausted-pool");
      String lifetimePool = poolLabel(pools(api), "lifetime-pool");
      String reopenPool = poolLabel(pools(api), "reopen-pool");
      List<JsonNode> firing =
          Poll.until(
              "the three pool rules firing" + "; app log: " + log,
              WAIT,
              POLL,
              () -> active(api),
              a ->
                  firingFor(a, "PoolscopePoolTimeouts", exhausted)
                      && firingFor(a, "PoolscopeConnectionPastMaxLifetime", lifetimePool)
                      && firingFor(a, "PoolscopeConnectionChurn", reopenPool));
      // The churn rule may fire before the loop's last borrows.
      String appOut =
          Poll.until(
              "the reopening loop to end",
              WAIT,
              POLL,
              () -> Files.readString(log),
              o -> o.contains("REOPENED"));
      assertThat(appOut)
          .contains("TIMEOUT java.sql.SQLException")
          .contains("REOPENED 0 active")
          .doesNotContain("UNEXPECTED");
      // Each rule fires for the pool that broke it, and the timeouts and reopening ones only there.
      assertThat(pools(firing, "PoolscopePoolTimeouts")).containsExactly(exhausted);
      assertThat(pools(firing, "PoolscopeConnectionChurn")).containsExactly(reopenPool);
      JsonNode lifetime = alert(firing, "PoolscopeConnectionPastMaxLifetime", lifetimePool);
      assertThat(lifetime.path("value").asDouble()).as("the connection's age, s").isGreaterThan(1);
      assertThat(alert(firing, "PoolscopeConnectionChurn", reopenPool).path("value").asDouble())
          .as("opens in 15 minutes: every borrow after the first")
          .isGreaterThan(20);
      // Each borrow closed the connection before it, past its lifetime.
      Poll.until(
          "the reopening pool's closes for max lifetime",
          WAIT,
          POLL,
          () ->
              pool(pools(api), reopenPool).path("connectionsClosed").path("max_lifetime").asLong(),
          n -> n >= PoolRulesApp.REOPEN_BORROWS);
      stdin.close();
    }
  }

  /** The pool rules of the defaults; the lifetime rule's for shortened from 1m to 2s. */
  static List<Rule> poolRules() {
    List<Rule> out = new ArrayList<>();
    for (Rule r : RuleSet.defaults().rules()) {
      if (RULES.contains(r.name())) {
        Duration forDuration = r.forDuration().isZero() ? r.forDuration() : Duration.ofSeconds(2);
        out.add(new Rule(r.name(), r.expr(), forDuration, r.labels(), r.annotations()));
      }
    }
    assertThat(out).hasSize(3);
    return out;
  }

  static List<String> command(Path agentJar, String endpoint) throws Exception {
    return AgentApp.command(
        agentJar, "endpoint=" + endpoint + ",service=rules,interval=250ms", PoolRulesApp.class);
  }

  List<JsonNode> pools(String api) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    JsonNode service = get(api + "/api/services/rules");
    for (JsonNode pod : service.path("pods")) {
      pod.path("pools").forEach(out::add);
    }
    return out;
  }

  /** The pool label of the pool whose database is {@code database}. */
  static String poolLabel(List<JsonNode> pools, String database) {
    return pools.stream()
        .filter(p -> p.path("db").asText().endsWith("_" + database))
        .map(p -> p.path("name").asText())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pool on " + database + " in " + pools));
  }

  static JsonNode pool(List<JsonNode> pools, String name) {
    return pools.stream()
        .filter(p -> name.equals(p.path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pool " + name + " in " + pools));
  }

  List<JsonNode> active(String api) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : get(api + "/api/alerts").path("active")) {
      if (RULES.contains(a.path("rule").asText())) {
        out.add(a);
      }
    }
    return out;
  }

  static boolean firingFor(List<JsonNode> active, String rule, String pool) {
    return active.stream()
        .anyMatch(
            a ->
                rule.equals(a.path("rule").asText())
                    && "firing".equals(a.path("state").asText())
                    && pool.equals(a.path("labels").path("pool").asText()));
  }

  static List<String> pools(List<JsonNode> active, String rule) {
    return active.stream()
        .filter(a -> rule.equals(a.path("rule").asText()))
        .map(a -> a.path("labels").path("pool").asText())
        .toList();
  }

  static JsonNode alert(List<JsonNode> active, String rule, String pool) {
    return active.stream()
        .filter(
            a ->
                rule.equals(a.path("rule").asText())
                    && pool.equals(a.path("labels").path("pool").asText()))
        .findFirst()
        .orElseThrow();
  }

  JsonNode get(String url) throws Exception {
    return AgentApp.get(http, url);
  }
}
