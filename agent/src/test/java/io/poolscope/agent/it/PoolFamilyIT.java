package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A job that builds a HikariCP pool per run, from one line ({@code JobPoolsApp}), in a real child
 * JVM with the agent: every run's pool carries the same {@code poolscope.pool.family}, a pool says
 * {@code poolscope.pool.open} = 0 in its last export and leaves the exports after it, and the JVM's
 * normal exit sends a final export saying {@code poolscope.agent.exiting} = 1.
 */
class PoolFamilyIT {
  private static final int RUNS = 3;
  private static final String FAMILY = "poolscope.pool.family";
  private static final String POOL = "db.client.connection.pool.name";

  @Test
  void poolsBuiltPerRunShareOneFamilyAndSayTheyClosedBeforeTheyLeave() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms")
                .mainClass("io.poolscope.testapp.JobPoolsApp")
                .app(Integer.toString(RUNS))
                .lib("hikari-newest")
                .start()) {
      for (int run = 1; run <= RUNS; run++) {
        String pool = "job-run-" + run;
        child.awaitStdout("OPEN " + run);
        Await.until(
            () -> open(r.telemetry(), pool).contains(1.0),
            60,
            () -> pool + " open in " + r.telemetry().all("poolscope.pool.open") + child);
        child.send("next");
        child.awaitStdout("CLOSED " + run);
      }
      child.awaitStdout("READY");
      // Two exports after the one that last carried the final run's pool: it is gone for good.
      Await.until(
          () -> {
            List<ExportMetricsServiceRequest> m = r.telemetry().metricRequests;
            return lastWith(m, "job-run-" + RUNS) >= 0
                && lastWith(m, "job-run-" + RUNS) < m.size() - 2;
          },
          60,
          () -> "exports without job-run-" + RUNS + child);
      child.send("quit");
      assertThat(child.finish()).containsEntry("exit", "ok");
      Telemetry t = r.telemetry();

      Set<String> jobFamilies = new TreeSet<>();
      for (String metric :
          List.of("db.client.connection.count", "db.client.connection.wait_time")) {
        for (Telemetry.Point p : t.all(metric)) {
          String pool = p.attr(POOL);
          assertThat(p.attr(FAMILY)).as("family of %s", p).isNotNull();
          if (pool.startsWith("job-run-")) {
            jobFamilies.add(p.attr(FAMILY));
          }
        }
      }
      assertThat(jobFamilies)
          .singleElement()
          .asString()
          .matches("HikariDataSource@io\\.poolscope\\.testapp\\.JobPoolsApp\\.newJobPool:\\d+");
      String other = family(t, "reporting-pool");
      assertThat(other)
          .matches("HikariDataSource@io\\.poolscope\\.testapp\\.JobPoolsApp\\.main:\\d+")
          .isNotEqualTo(jobFamilies.iterator().next());
      // No application frame built it: the family is the name.
      assertThat(family(t, "DriverManager")).isEqualTo("DriverManager");

      for (int run = 1; run <= RUNS; run++) {
        String pool = "job-run-" + run;
        List<ExportMetricsServiceRequest> m = t.metricRequests;
        int last = lastWith(m, pool);
        assertThat(last).as("last export of %s", pool).isBetween(0, m.size() - 2);
        List<Telemetry.Point> open = openPoints(m.get(last), pool);
        assertThat(open).as("%s in its last export", pool).singleElement();
        assertThat(open.get(0).value).as("%s open in its last export", pool).isEqualTo(0.0);
        // Once it said 0, it never says 1 again.
        List<Double> seen = open(t, pool);
        assertThat(seen.subList(seen.indexOf(0.0), seen.size())).containsOnly(0.0);
      }
      // The long-lived pool is open all along; main closes it (try-with-resources) before it
      // returns, so the final export says 0.
      List<Double> reporting = open(t, "reporting-pool");
      assertThat(reporting.get(0)).isEqualTo(1.0);
      assertThat(reporting.get(reporting.size() - 1)).isEqualTo(0.0);
      assertThat(reporting.subList(reporting.indexOf(0.0), reporting.size())).containsOnly(0.0);

      List<ExportMetricsServiceRequest> m = t.metricRequests;
      for (int i = 0; i < m.size(); i++) {
        List<Telemetry.Point> exiting = Telemetry.points(m.get(i), "poolscope.agent.exiting");
        if (i < m.size() - 1) {
          assertThat(exiting).as("export %d of %d", i, m.size()).isEmpty();
        } else {
          assertThat(exiting).as("the final export").singleElement();
          assertThat(exiting.get(0).value).isEqualTo(1.0);
          assertThat(exiting.get(0).attrs).isEmpty();
        }
      }

      Map<String, String> resource = t.resource();
      assertThat(resource)
          .containsKey("poolscope.agent.version")
          .doesNotContainKey("service.version");
    }
  }

  private static List<Telemetry.Point> openPoints(ExportMetricsServiceRequest req, String pool) {
    List<Telemetry.Point> out = new ArrayList<>();
    for (Telemetry.Point p : Telemetry.points(req, "poolscope.pool.open")) {
      if (pool.equals(p.attr(POOL))) {
        out.add(p);
      }
    }
    return out;
  }

  private static List<Double> open(Telemetry t, String pool) {
    List<Double> out = new ArrayList<>();
    for (Telemetry.Point p : t.all("poolscope.pool.open", pool)) {
      out.add(p.value);
    }
    return out;
  }

  private static int lastWith(List<ExportMetricsServiceRequest> m, String pool) {
    for (int i = m.size() - 1; i >= 0; i--) {
      if (!openPoints(m.get(i), pool).isEmpty()) {
        return i;
      }
    }
    return -1;
  }

  private static String family(Telemetry t, String pool) {
    List<Telemetry.Point> points = t.all("db.client.connection.wait_time", pool);
    assertThat(points).as("wait_time of %s", pool).isNotEmpty();
    return points.get(points.size() - 1).attr(FAMILY);
  }
}
