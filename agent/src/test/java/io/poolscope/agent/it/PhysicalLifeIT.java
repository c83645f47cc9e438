package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.it.Telemetry.Point;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Physical connections closed by reason, the oldest physical connection's age and the pool's max
 * lifetime, from a real Tomcat JDBC pool retiring connections by maxAge and releasing idle ones.
 */
class PhysicalLifeIT {
  private Map<String, String> results;

  private Telemetry run(String... app) throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("tomcat-newest")
                .mainClass("io.poolscope.testapp.PhysicalLifeApp")
                .agentArgs("endpoint=" + r.endpoint() + ",service=poolscope-it,interval=200ms")
                .app(app)
                .start()) {
      results = child.finish();
      return r.telemetry();
    }
  }

  private static double closed(Telemetry t, String pool, String reason) {
    return t.last(
            "poolscope.connection.closed",
            Map.of("db.client.connection.pool.name", pool, "poolscope.close.reason", reason))
        .map(p -> p.value)
        .orElse(-1.0);
  }

  @Test
  void connectionHeldPastMaxLifetimeShowsItsAgeAndIsRetiredForLifetime() throws Exception {
    Telemetry t = run("scenario=lifetime", "holdMs=1500");
    assertThat(results).containsEntry("reconnected", "1");
    String pool = "lifetime-pool";
    assertThat(
            t.last("poolscope.pool.max_lifetime", Map.of("db.client.connection.pool.name", pool))
                .orElseThrow()
                .value)
        .isEqualTo(1.0);
    List<Point> ages = t.all("poolscope.connection.oldest_age", pool);
    assertThat(ages.stream().mapToDouble(p -> p.value).max().orElse(0))
        .as("oldest physical connection's age at some export, s")
        .isGreaterThan(1.0)
        .isLessThan(30.0);
    assertThat(closed(t, pool, "max_lifetime")).isEqualTo(1);
    // The reopened connection, closed with the pool.
    assertThat(closed(t, pool, "other")).isEqualTo(1);
    assertThat(closed(t, pool, "idle_timeout")).isEqualTo(0);
    assertThat(closed(t, pool, "broken")).isEqualTo(0);
  }

  @Test
  void connectionsTheCleanerReleasesAreClosedForIdleTimeout() throws Exception {
    Telemetry t = run("scenario=idle");
    assertThat(results).containsEntry("releasedIdle", "2");
    String pool = "idle-pool";
    assertThat(closed(t, pool, "idle_timeout")).isEqualTo(2);
    assertThat(closed(t, pool, "other")).isEqualTo(0);
    assertThat(closed(t, pool, "max_lifetime")).isEqualTo(0);
    assertThat(
            t.last("poolscope.pool.max_lifetime", Map.of("db.client.connection.pool.name", pool)))
        .as("no maxAge configured")
        .isEmpty();
  }
}
