package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Attaching, configuring and never changing what the application sees. */
class AgentSafetyIT {

  private static List<String> agentLines(ChildJvm child) {
    return child.stderr.stream()
        .filter(l -> l.startsWith("poolscope"))
        .collect(Collectors.toList());
  }

  @Test
  void badArgumentPrintsOneLineNamingItAndTheApplicationStillRuns() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .agentArgs("endpoint=" + r.endpoint() + ",interval=soon")
                .app("pool=hikari", "scenario=contention", "threads=2", "leases=2", "holdMs=1")
                .start()) {
      assertThat(child.finish()).containsEntry("leases", "4");
      assertThat(agentLines(child)).hasSize(1);
      assertThat(agentLines(child).get(0)).contains("interval=soon").contains("disabled");
      assertThat(r.metrics).isEmpty();
    }
  }

  @Test
  void attachedThroughJavaToolOptionsConfiguredFromEnvironmentQuietWithBearerToken()
      throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .jdk(ChildJvm.JDK25)
                .noAgent()
                .env(
                    "JAVA_TOOL_OPTIONS",
                    "-javaagent:"
                        + System.getProperty("poolscope.agentJar")
                        + "=token=t0ken,serviceVersion=1.2.3")
                .lib("hikari-newest")
                .env("POOLSCOPE_ENDPOINT", r.endpoint())
                .env("OTEL_SERVICE_NAME", "from-env")
                .jvmArg("-Dpoolscope.interval=200ms")
                .app("pool=hikari", "scenario=contention", "threads=2", "leases=2", "holdMs=1")
                .start()) {
      assertThat(child.finish()).containsEntry("leases", "4");
      assertThat(agentLines(child)).hasSize(1);
      assertThat(agentLines(child).get(0)).startsWith("poolscope agent ").contains("from-env");
      // Quiet on JDK 25 too: no Unsafe or other warnings caused by the agent.
      assertThat(child.stderr).noneMatch(l -> l.startsWith("WARNING"));
      assertThat(r.metrics).isNotEmpty();
      assertThat(r.authorization).allMatch("Bearer t0ken"::equals);
      assertThat(r.telemetry().resource())
          .containsEntry("service.name", "from-env")
          .containsEntry("service.version", "1.2.3");
      assertThat(
              r.telemetry()
                  .histogramCount(
                      "db.client.connection.use_time",
                      Map.of("db.client.connection.pool.name", "orders-pool")))
          .isEqualTo(4);
    }
  }

  @Test
  void poolTheAgentDoesNotKnowStillGetsLeasesWaitsAndHolds() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms")
                .app(
                    "pool=custom",
                    "scenario=contention",
                    "threads=4",
                    "leases=3",
                    // 12 leases, 2 at a time: about 900 ms of contention, several export
                    // intervals, so an export is sure to see threads waiting.
                    "holdMs=150",
                    "max=2")
                .start()) {
      assertThat(child.finish()).containsEntry("leases", "12");
      Telemetry t = r.telemetry();
      Map<String, String> pool = Map.of("db.client.connection.pool.name", "InHousePool-1");
      assertThat(
              t.last("db.client.connection.wait_time", pool)
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              t.all("db.client.connection.wait_time") + child.toString()))
                  .histogram
                  .getCount())
          .isEqualTo(12);
      assertThat(t.histogramCount("db.client.connection.use_time", pool)).isEqualTo(12);
      assertThat(t.last("db.client.connection.use_time", pool).orElseThrow().histogram.getMin())
          .isGreaterThanOrEqualTo(0.15);
      assertThat(t.all("db.client.connection.count", "InHousePool-1"))
          .allSatisfy(p -> assertThat(p.value).isLessThanOrEqualTo(2));
      assertThat(
              t.all("db.client.connection.pending_requests", "InHousePool-1").stream()
                  .mapToDouble(p -> p.value)
                  .max()
                  .orElse(0))
          .isGreaterThan(0);
      // Its physical opens are attributed to it (they happen inside its getConnection).
      assertThat(t.histogramCount("db.client.connection.create_time", pool)).isBetween(1L, 2L);
      assertThat(t.last("db.client.connection.max", pool)).isEmpty();
    }
  }

  @Test
  void wrapperAroundAPoolIsOneLeaseOfThatPool() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms")
                .app("pool=hikari", "scenario=wrapped", "leases=7")
                .start()) {
      assertThat(child.finish()).containsEntry("leases", "7");
      Telemetry t = r.telemetry();
      Map<String, String> pool = Map.of("db.client.connection.pool.name", "orders-pool");
      assertThat(t.histogramCount("db.client.connection.wait_time", pool)).isEqualTo(7);
      assertThat(t.histogramCount("db.client.connection.use_time", pool)).isEqualTo(7);
      assertThat(t.all("db.client.connection.wait_time"))
          .allSatisfy(
              p -> assertThat(p.attr("db.client.connection.pool.name")).isEqualTo("orders-pool"));
    }
  }

  @Test
  void attachingToARunningJvmRetransformsPoolClassesAlreadyLoaded() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .noAgent()
                .lib("hikari-newest")
                .jvmArg("-Djdk.attach.allowAttachSelf=true")
                .app(
                    "pool=hikari",
                    "scenario=lateAttach",
                    "leases=6",
                    "agentJar=" + System.getProperty("poolscope.agentJar"),
                    "agentArgs=endpoint=" + r.endpoint() + ",interval=200ms")
                .start()) {
      assertThat(child.finish()).containsEntry("leasesAfterAttach", "6");
      Telemetry t = r.telemetry();
      Map<String, String> pool = Map.of("db.client.connection.pool.name", "orders-pool");
      assertThat(
              t.last("db.client.connection.use_time", pool)
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              t.all("db.client.connection.use_time") + child.toString()))
                  .histogram
                  .getCount())
          .isEqualTo(6);
      assertThat(t.last("db.client.connection.max", pool).orElseThrow().value).isEqualTo(3);
    }
  }

  @Test
  void applicationWithItsOwnByteBuddyAndOpenTelemetryKeepsWorking() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .lib("own-copies")
                .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms")
                .app("pool=hikari", "scenario=ownCopies", "threads=2", "leases=3", "holdMs=1")
                .start()) {
      Map<String, String> results = child.finish();
      assertThat(results)
          .containsEntry("generated", "com.example.Generated")
          .containsEntry("byteBuddyFrom", "byte-buddy-1.14.18.jar")
          .containsEntry("otelAttribute", "v")
          .containsEntry("otelFrom", "opentelemetry-api-1.55.0.jar")
          .containsEntry("leases", "6");
      assertThat(
              r.telemetry()
                  .histogramCount(
                      "db.client.connection.use_time",
                      Map.of("db.client.connection.pool.name", "orders-pool")))
          .isEqualTo(6);
    }
  }

  @Test
  void driverManagerConnectionsCountAsOpenUntilClosed() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms")
                .app("scenario=raw", "url=jdbc:h2:mem:raw;DB_CLOSE_DELAY=-1", "connections=3")
                .start()) {
      child.awaitStdout("READY");
      Map<String, String> target = Map.of("db.system.name", "h2", "db.namespace", "raw");
      int seen = r.metrics.size();
      Await.until(
          () ->
              r.metrics.size() > seen
                  && r.telemetry()
                          .last("poolscope.connection.open", target)
                          .map(p -> p.value)
                          .orElse(-1.0)
                      == 3,
          30,
          () -> "open == 3 in " + r.telemetry().all("poolscope.connection.open") + child);
      child.send("quit");
      child.finish();
      assertThat(r.telemetry().last("poolscope.connection.open", target).orElseThrow().value)
          .isZero();
      assertThat(
              r.telemetry()
                  .histogramCount(
                      "db.client.connection.use_time",
                      Map.of("db.client.connection.pool.name", "DriverManager")))
          .isEqualTo(3);
    }
  }
}
