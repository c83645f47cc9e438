package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Class-loading situations of real applications next to the agent: their own Byte Buddy (with an
 * agent of their own), their own OpenTelemetry SDK, a servlet container's child-first loader, and
 * the OpenTelemetry Java agent. Each test checks the application's own behaviour and the agent's
 * exact figures for a known workload.
 */
class ClassLoadingIT {
  private static final String APP = "io.poolscope.testapp.ClassLoadingApp";
  private static final String INTERVAL = ",interval=200ms";

  @TempDir Path dir;

  private static Map<String, String> pool(String name) {
    return Map.of("db.client.connection.pool.name", name);
  }

  private static List<String> agentProblems(ChildJvm child) {
    return child.stderr.stream()
        .filter(l -> l.startsWith("poolscope:") || l.contains("could not instrument"))
        .collect(Collectors.toList());
  }

  /** Waits until an export carries the metric for the attributes with the value. */
  private static Telemetry awaitValue(
      OtlpReceiver r, ChildJvm child, String metric, Map<String, String> match, double value) {
    Await.until(
        () -> r.telemetry().last(metric, match).map(p -> p.value).orElse(-1.0) == value,
        30,
        () -> metric + " " + match + " == " + value + " in " + r.telemetry().all(metric) + child);
    return r.telemetry();
  }

  @Test
  void applicationWithItsOwnByteBuddyAgentOnTheSamePoolMethodAndBothCountEveryCall()
      throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .mainClass(APP)
                .lib("hikari-newest")
                .lib("app-bytebuddy")
                .jvmArg("-Djdk.attach.allowAttachSelf=true")
                .agentArgs("endpoint=" + r.endpoint() + INTERVAL)
                .app("scenario=byteBuddy", "leases=5")
                .start()) {
      Map<String, String> results = child.finish();
      // The application's Byte Buddy (another version than the agent's shaded one) generates
      // classes, and its own agent's advice on HikariDataSource.getConnection() counts every call,
      // before and after it retransforms the class (which runs Poolscope's transformer again).
      assertThat(results)
          .containsEntry("generated", "made by the application's Byte Buddy")
          .containsEntry("byteBuddyFrom", "byte-buddy-1.14.18.jar")
          .containsEntry("appAdviceBeforeRetransform", "5")
          .containsEntry("appAdvice", "10")
          .containsEntry("leases", "10");
      Telemetry t = r.telemetry();
      // Poolscope's advice, woven into the same method, also counts each lease exactly once,
      // before and after the retransformation.
      assertThat(t.histogramCount("db.client.connection.wait_time", pool("bb-pool"))).isEqualTo(10);
      assertThat(t.histogramCount("db.client.connection.use_time", pool("bb-pool"))).isEqualTo(10);
      assertThat(
              t.last("poolscope.pool.created", Map.of("poolscope.pool.type", "HikariDataSource"))
                  .orElseThrow()
                  .value)
          .isEqualTo(1);
      assertThat(agentProblems(child)).isEmpty();
    }
  }

  @Test
  void applicationWithItsOwnOpenTelemetrySdkKeepsItsGlobalInstanceAndItsOwnMetrics()
      throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .mainClass(APP)
                .lib("hikari-newest")
                .lib("app-otel-sdk")
                .agentArgs("endpoint=" + r.endpoint() + INTERVAL)
                .app("scenario=otelSdk", "leases=7")
                .start()) {
      Map<String, String> results = child.finish();
      // GlobalOpenTelemetry.set succeeded (it throws if the global was set or read before), the
      // global meter provider is the application's own, and its reader sees exactly its metric.
      assertThat(results)
          .containsEntry("sdkFrom", "opentelemetry-sdk-1.38.0.jar")
          .containsEntry("globalIsApplications", "true")
          .containsEntry("appMetrics", "[app.orders]")
          .containsEntry("appOrders", "7")
          .containsEntry("leases", "7");
      Telemetry t = r.telemetry();
      assertThat(t.histogramCount("db.client.connection.use_time", pool("otel-pool"))).isEqualTo(7);
      assertThat(t.histogramCount("db.client.connection.wait_time", pool("otel-pool")))
          .isEqualTo(7);
      // Poolscope's export is its own: only its scope and the contract's names, none of the
      // application's instruments.
      Set<String> scopes = new TreeSet<>();
      Set<String> names = new TreeSet<>();
      for (ExportMetricsServiceRequest req : r.metrics) {
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            scopes.add(sm.getScope().getName());
            for (Metric m : sm.getMetricsList()) {
              names.add(m.getName());
            }
          }
        }
      }
      assertThat(scopes).containsExactly("io.poolscope.agent");
      assertThat(names)
          .contains("db.client.connection.use_time", "poolscope.pool.created")
          .allMatch(n -> n.startsWith("db.client.") || n.startsWith("poolscope."));
      assertThat(t.resource()).containsEntry("service.name", "ClassLoadingApp");
      assertThat(agentProblems(child)).isEmpty();
    }
  }

  @Test
  void poolInsideAServletContainersWebApplicationIsSeenAndReportedClosedOnUndeploy()
      throws Exception {
    Path docBase = webApplication();
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .mainClass(APP)
                .withoutCommonLibs()
                .lib("tomcat-embed")
                // Lets Tomcat's leak checks at undeploy look into every thread's ThreadLocals.
                .jvmArg("--add-opens=java.base/java.lang=ALL-UNNAMED")
                .jvmArg("--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED")
                .agentArgs("endpoint=" + r.endpoint() + INTERVAL)
                .app("scenario=tomcat", "docBase=" + docBase, "baseDir=" + dir.resolve("tomcat"))
                .start()) {
      child.awaitStdout("READY");
      String port =
          child.stdout.stream()
              .filter(l -> l.startsWith("RESULT port="))
              .findFirst()
              .orElseThrow()
              .substring("RESULT port=".length());
      assertThat(child.stdout)
          .contains(
              "RESULT webappLoader=org.apache.catalina.loader.ParallelWebappClassLoader",
              "RESULT delegate=false");
      HttpClient http = HttpClient.newHttpClient();
      String loaders =
          " poolLoader=org.apache.catalina.loader.ParallelWebappClassLoader"
              + " driverLoader=org.apache.catalina.loader.ParallelWebappClassLoader";
      assertThat(get(http, port, 3)).isEqualTo("rows=3" + loaders);
      assertThat(get(http, port, 4)).isEqualTo("rows=7" + loaders);
      // init's lease, then per request n inserts and one count.
      Map<String, String> webapp = pool("webapp-pool");
      Telemetry t = awaitValue(r, child, "db.client.connection.use_time", webapp, 10);
      assertThat(t.histogramCount("db.client.connection.wait_time", webapp)).isEqualTo(10);
      assertThat(t.last("db.client.connection.max", webapp).orElseThrow().value).isEqualTo(2);
      Map<String, String> hikari = Map.of("poolscope.pool.type", "HikariDataSource");
      assertThat(t.last("poolscope.pool.created", hikari).orElseThrow().value).isEqualTo(1);
      assertThat(t.last("poolscope.pool.closed", hikari).orElseThrow().value).isZero();

      child.send("undeploy");
      child.awaitStdout("UNDEPLOYED");
      // The servlet's destroy() closed the pool: counted as closed.
      awaitValue(r, child, "poolscope.pool.closed", hikari, 1);
      child.send("quit");
      Map<String, String> results = child.finish();
      assertThat(results).containsEntry("undeployed", "ok");
      // Nothing of the agent keeps the web application's loader (and so its classes) alive.
      assertThat(results).containsEntry("loaderCollected", "true");
      // Tomcat's leak checks at undeploy (threads, ThreadLocals, with the add-opens above) find
      // nothing; its one warning is about H2's driver registering itself in DriverManager.
      assertThat(child.stderr).noneMatch(l -> l.startsWith("SEVERE"));
      assertThat(child.stderr.stream().filter(l -> l.startsWith("WARNING")))
          .allMatch(l -> l.contains("registered the JDBC driver [org.h2.Driver]"));
      assertThat(agentProblems(child)).isEmpty();
    }
  }

  private static String get(HttpClient http, String port, int n)
      throws IOException, InterruptedException {
    HttpResponse<String> resp =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app/lease?n=" + n))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return resp.body();
  }

  /** A docBase whose WEB-INF holds the servlet class, HikariCP, H2 and SLF4J. */
  private Path webApplication() throws IOException {
    Path web = dir.resolve("webapp");
    String servlet = "io/poolscope/testapp/webapp/PoolServlet.class";
    Path classes = web.resolve("WEB-INF/classes");
    Files.createDirectories(classes.resolve(servlet).getParent());
    Files.copy(
        Paths.get(System.getProperty("poolscope.testClasses")).resolve(servlet),
        classes.resolve(servlet));
    Path lib = Files.createDirectories(web.resolve("WEB-INF/lib"));
    Path itLib = Paths.get(System.getProperty("poolscope.itLib"));
    for (String from : List.of("hikari-newest", "common")) {
      try (Stream<Path> jars = Files.list(itLib.resolve(from))) {
        for (Path jar : jars.collect(Collectors.toList())) {
          String name = jar.getFileName().toString();
          if (name.startsWith("HikariCP") || name.startsWith("h2-") || name.startsWith("slf4j")) {
            Files.copy(jar, lib.resolve(name));
          }
        }
      }
    }
    return web;
  }

  @ParameterizedTest(name = "OpenTelemetry agent first: {0}")
  @ValueSource(booleans = {true, false})
  void nextToTheOpenTelemetryJavaAgentEachLeaseIsCountedOnceAndOpenTelemetryStillTraces(
      boolean otelFirst) throws Exception {
    String otel =
        "-javaagent:"
            + Paths.get(System.getProperty("poolscope.itLib"))
                .resolve("otel-javaagent/opentelemetry-javaagent.jar");
    try (OtlpReceiver r = new OtlpReceiver()) {
      ChildJvm.Builder b =
          ChildJvm.builder()
              .lib("hikari-newest")
              .agentArgs("endpoint=" + r.endpoint() + INTERVAL + ",service=cl-app")
              .jvmArg("-Dotel.traces.exporter=logging")
              .jvmArg("-Dotel.metrics.exporter=none")
              .jvmArg("-Dotel.logs.exporter=none")
              .jvmArg("-Dotel.service.name=cl-app")
              .app("pool=hikari", "scenario=contention", "threads=2", "leases=5", "holdMs=1");
      if (otelFirst) {
        b.agentBefore(otel);
      } else {
        b.jvmArg(otel);
      }
      try (ChildJvm child = b.start()) {
        assertThat(child.finish()).containsEntry("leases", "10");
        Telemetry t = r.telemetry();
        assertThat(t.histogramCount("db.client.connection.wait_time", pool("orders-pool")))
            .isEqualTo(10);
        assertThat(t.histogramCount("db.client.connection.use_time", pool("orders-pool")))
            .isEqualTo(10);
        assertThat(
                t.last("poolscope.pool.created", Map.of("poolscope.pool.type", "HikariDataSource"))
                    .orElseThrow()
                    .value)
            .isEqualTo(1);
        assertThat(t.resource()).containsEntry("service.name", "cl-app");
        // OpenTelemetry's JDBC instrumentation still traces every statement.
        List<String> spans =
            child.stderr.stream()
                .filter(l -> l.contains("io.opentelemetry.jdbc") && l.contains("select"))
                .collect(Collectors.toList());
        assertThat(spans).as(child.toString()).hasSize(10);
        // ... but not Poolscope's exports: no span of the export thread, no trace headers on them.
        assertThat(child.stderr).noneMatch(l -> l.contains("thread.name=poolscope-export"));
        assertThat(r.traceparent).isEmpty();
        assertThat(agentProblems(child)).isEmpty();
      }
    }
  }
}
