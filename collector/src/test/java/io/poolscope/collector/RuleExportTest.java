package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/rules/prometheus} and {@code export-rules}: the active rule set as a Prometheus
 * rule file that the real {@code promtool} accepts.
 */
class RuleExportTest {
  static final String PROMTOOL = "/usr/bin/promtool";
  static final List<String> DEFAULT_RULES =
      List.of(
          "PoolscopeBudgetHigh",
          "PoolscopePoolSaturated",
          "PoolscopeAcquireWaitHigh",
          "PoolscopeConnectionLeak",
          "PoolscopePlannedOverUsable",
          "PoolscopePlannedAtCeilingOverUsable",
          "PoolscopeConnectionRefused",
          "PoolscopePoolChurn");

  static final String CUSTOM =
      """
      groups:
        - name: custom
          rules:
            - alert: TeamBudget
              expr: poolscope_db_connections_utilization_ratio > 0.7
              for: 30s
              labels:
                severity: critical
      """;

  @TempDir Path dir;

  @Test
  void defaultRulesOverHttpPassPromtool() throws Exception {
    // A missing promtool fails here rather than skipping: the export is only proven by it.
    assertThat(Path.of(PROMTOOL)).as("promtool (Debian package prometheus)").isExecutable();
    try (Collector c = start(null, null)) {
      HttpResponse<byte[]> r = new Http(c).get("/api/rules/prometheus");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/yaml");
      String text = new String(r.body(), StandardCharsets.UTF_8);
      Path file = dir.resolve("exported.yml");
      Files.writeString(file, text);

      Process p =
          new ProcessBuilder(PROMTOOL, "check", "rules", file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out)
          .as(out)
          .contains(
              "SUCCESS: " + io.poolscope.alerts.RuleSet.defaults().rules().size() + " rules found");
      for (String rule : DEFAULT_RULES) {
        assertThat(text).contains("alert: " + rule);
      }
    }
  }

  @Test
  void exportFollowsTheConfiguredRuleFileAndNeedsTheReadToken() throws Exception {
    Path rules = dir.resolve("rules.yml");
    Files.writeString(rules, CUSTOM);
    try (Collector c = start(rules, "s3cret")) {
      Http http = new Http(c);
      HttpResponse<byte[]> denied = http.get("/api/rules/prometheus");
      assertThat(denied.statusCode()).isEqualTo(401);
      assertThat(new String(denied.body(), StandardCharsets.UTF_8)).doesNotContain("TeamBudget");

      HttpResponse<byte[]> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + c.port() + "/api/rules/prometheus"))
                      .header("Authorization", "Bearer s3cret")
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      String text = new String(r.body(), StandardCharsets.UTF_8);
      assertThat(text).contains("alert: TeamBudget").doesNotContain("PoolscopeBudgetHigh");

      // The CLI prints the same text for a config naming the same rule file, and exits 0.
      Path config = dir.resolve("poolscope.yaml");
      Files.writeString(config, "alerts:\n  rules: " + rules + "\n");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Collector.class.getName(),
                  "export-rules",
                  "--config",
                  config.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(out).isEqualTo(text);
    }
  }

  private Collector start(Path rules, String token) {
    return Collector.start(
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .storeUrl("jdbc:h2:file:" + dir.resolve("store-" + (token == null ? "open" : "token")))
            .alertRules(rules)
            .apiToken(token)
            .build());
  }
}
