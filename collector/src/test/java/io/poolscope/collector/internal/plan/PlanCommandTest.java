package io.poolscope.collector.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code poolscope plan} on real manifest files: the payments incident, its fix, bad input. */
class PlanCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        PlanCommand.run(
            args,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            name -> null);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  @Test
  void incidentFailsWith800AgainstUsable497AndSuggestsSix() throws IOException {
    Path f = write("deploy/payments.yaml", Manifests.INCIDENT);
    Run r = run("", "--limit", "pg.prod:5432=500-3", "--format", "json", dir.toString());

    assertThat(r.status()).isEqualTo(PlanCommand.DOES_NOT_FIT);
    JsonNode server = r.json().get("servers").get(0);
    assertThat(server.get("server").asText()).isEqualTo("pg.prod:5432");
    assertThat(server.get("usable").asInt()).isEqualTo(497);
    assertThat(server.get("connectionsAtRollout").asLong()).isEqualTo(800);
    assertThat(server.get("fits").asBoolean()).isFalse();
    JsonNode payments = server.get("services").get(0);
    assertThat(payments.get("service").asText()).isEqualTo("payments");
    assertThat(payments.get("source").asText()).isEqualTo(f + ":4");
    assertThat(payments.get("replicas").toString())
        .isEqualTo("{\"now\":20,\"ceiling\":20,\"rollout\":20}");
    assertThat(payments.get("poolsPerPod").asInt()).isEqualTo(4);
    assertThat(payments.get("maxPerPool").asInt()).isEqualTo(10);
    // floor(497 / (20 pods x 4 workers x 1 pool)) = 6
    assertThat(payments.get("suggestedPoolMax").asInt()).isEqualTo(6);
  }

  @Test
  void textReportStatesVerdictTableAndFittingPoolMax() throws IOException {
    write("payments.yaml", Manifests.INCIDENT);
    Run r = run("", dir.resolve("payments.yaml").toString(), "--limit=pg.prod:5432=500-3");

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("poolscope plan: does NOT fit (1 of 1 server over its usable connections)")
        .contains(
            "pg.prod:5432 (postgresql): does NOT fit: 800 connections at the rollout peak > 497"
                + " usable (max_connections 500 - 3 reserved, from --limit)")
        .containsPattern("payments +20/20/20 +4 +10 +800 +800 +161\\.0 % +6 ")
        .contains(
            "payments: fits with a max of 6 per pool ((497 usable - 0 for the other services) /"
                + " 80 pools at the rollout peak)");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void backgroundJobsSecondPoolPerPodFailsWith1000() throws IOException {
    write("payments.yaml", Manifests.INCIDENT_WITH_JOB_POOL);
    Run r = run("", "--limit", "pg.prod:5432=500-3", "--format", "json", dir.toString());

    assertThat(r.status()).isEqualTo(1);
    JsonNode payments = r.json().get("servers").get(0).get("services").get(0);
    assertThat(payments.get("connectionsAtRollout").asLong()).isEqualTo(1000);
    assertThat(payments.get("poolsPerPod").asInt()).isEqualTo(5);
    assertThat(payments.get("pools").get(1).get("name").asText()).isEqualTo("background-job");
    assertThat(payments.get("pools").get(1).get("perPod").asInt()).isEqualTo(1);
    // floor(497 / (20 pods x 5 pools)) = 4
    assertThat(payments.get("suggestedPoolMax").asInt()).isEqualTo(4);
  }

  @Test
  void fixedManifestsWithOneSharedPoolOfSixPass() throws IOException {
    write("payments.yaml", Manifests.FIXED);
    Run r = run("", "--limit", "pg.prod:5432=500-3", dir.toString());

    assertThat(r.status()).isEqualTo(PlanCommand.FITS);
    assertThat(r.out())
        .startsWith("poolscope plan: fits (1 server checked)")
        .contains("fits: 480 connections at the rollout peak <= 497 usable");
  }

  @Test
  void autoscalerCeilingWithQuarterSurgeCountsTheRolloutPeakRoundedUp() throws IOException {
    // 18 at the ceiling x 2 workers x 11 = 396 fits; a rollout adds ceil(25 % of 18) = 5 pods:
    // 23 x 22 = 506 does not (rounding the surge down, 4 pods, would give 484 and pass).
    String manifests =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: checkout, namespace: shop}
        spec:
          replicas: 6
          strategy:
            rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
          template:
            spec:
              containers:
                - name: web
                  env:
                    - {name: WEB_CONCURRENCY, value: "2"}
                    - {name: SPRING_DATASOURCE_URL, value: "jdbc:postgresql://pg.prod/shop"}
                    - {name: SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE, value: "11"}
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: checkout, namespace: shop}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
          minReplicas: 6
          maxReplicas: 18
        """;
    Run r = run(manifests, "--limit", "pg.prod:5432=500-3", "--format", "json", "-");

    assertThat(r.status()).isEqualTo(1);
    JsonNode server = r.json().get("servers").get(0);
    JsonNode checkout = server.get("services").get(0);
    assertThat(checkout.get("replicas").toString())
        .isEqualTo("{\"now\":6,\"ceiling\":18,\"rollout\":23}");
    assertThat(checkout.get("connectionsAtCeiling").asLong()).isEqualTo(396);
    assertThat(checkout.get("connectionsAtRollout").asLong()).isEqualTo(506);
    assertThat(checkout.get("source").asText()).isEqualTo("<stdin>:3");
    // floor(497 / (23 pods x 2 pools)) = 10
    assertThat(checkout.get("suggestedPoolMax").asInt()).isEqualTo(10);
    assertThat(server.get("fits").asBoolean()).isFalse();
  }

  @Test
  void markdownSummaryHasVerdictHeadingAndTable() throws IOException {
    write("payments.yaml", Manifests.INCIDENT);
    Run r = run("", "--limit", "pg.prod:5432=500-3", "--format", "markdown", dir.toString());

    assertThat(r.status()).isEqualTo(1);
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "### ❌ Poolscope plan: does NOT fit (1 of 1 server over its usable connections)");
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).startsWith("| payments | 20/20/20 | 4 | 10 | 800 | 800 |"))
        .anySatisfy(l -> assertThat(l).startsWith("| **total** |  |  |  | 800 | 800 | 161.0 % |"));
  }

  @Test
  void unparseableYamlIsExit2WithFileAndLine() throws IOException {
    Path f =
        write(
            "broken.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: payments
            spec:
              replicas: [20
              selector: {}
            """);
    Run r = run("", "--limit", "pg.prod:5432=500-3", f.toString());

    assertThat(r.status()).isEqualTo(PlanCommand.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList())
        .singleElement()
        .isEqualTo(
            "poolscope plan: "
                + f
                + ":7: not valid YAML: while parsing a flow sequence; expected ',' or ']', but"
                + " got :");
  }

  @Test
  void poolSizeThatIsNotANumberIsExit2WithFileAndLine() throws IOException {
    Path f = write("payments.yaml", Manifests.INCIDENT.replace("value: \"10\"", "value: \"ten\""));
    Run r = run("", "--limit", "pg.prod:5432=500-3", f.toString());

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "poolscope plan: "
                + f
                + ":25: SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE must be a whole number of"
                + " connections, not 'ten'\n");
  }

  @Test
  void annotationPoolMaxThatIsNotANumberNamesTheAnnotationsLine() throws IOException {
    Path f =
        write(
            "payments.yaml",
            Manifests.INCIDENT_WITH_JOB_POOL.replace(
                "\"max\": 10, \"count\"", "\"max\": \"x\", \"count\""));
    Run r = run("", "--limit", "pg.prod:5432=500-3", f.toString());

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "poolscope plan: "
                + f
                + ":13: poolscope.io/pools entry 2: max must be a whole number of at least 1, not"
                + " 'x'\n");
  }

  @Test
  void serverWithoutALimitIsExit2NamingTheOption() throws IOException {
    write("payments.yaml", Manifests.INCIDENT);
    Run r = run("", "--limit", "other:5432=100", dir.toString());

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("poolscope plan: --limit: no limit known for pg.prod:5432 (used by payments)");
  }

  @Test
  void badLimitOptionIsExit2NamingIt() {
    Run r = run("", "--limit", "pg.prod:5432=five", "x.yaml");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("poolscope plan: --limit pg.prod:5432=five: MAX 'five' is not a whole number\n");
  }
}
