package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Physical connections counted on the pool that opened them when several pools share one database
 * in one JVM ({@code SharedDatabasePoolsApp}: three HikariCP pools of 2 on one H2 database). Each
 * opens one connection inside its constructor and one on its own connection adder thread; neither
 * is inside a lease, and the database alone cannot tell the pools apart.
 */
class SharedDatabasePoolsIT {
  private static final int POOLS = 3;
  private static final int SIZE = 2;

  @Test
  void everyPoolCountsTheConnectionsItOpenedAndItsOldest() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .mainClass("io.poolscope.testapp.SharedDatabasePoolsApp")
                .agentArgs("endpoint=" + r.endpoint() + ",service=poolscope-it,interval=200ms")
                .app(Integer.toString(POOLS), Integer.toString(SIZE))
                .start()) {
      child.awaitStdout("READY");
      Await.until(
          () -> {
            Telemetry t = r.telemetry();
            for (int i = 1; i <= POOLS; i++) {
              if (creates(t, "shared-" + i) != SIZE || oldest(t, "shared-" + i) <= 0) {
                return false;
              }
            }
            return true;
          },
          60,
          () -> "create_time " + r.telemetry().all("db.client.connection.create_time") + child);
      Telemetry t = r.telemetry();
      for (int i = 1; i <= POOLS; i++) {
        String pool = "shared-" + i;
        // Exactly its own: none of another pool's, none lost to "the database has two pools".
        assertThat(creates(t, pool)).as(pool + " connections opened").isEqualTo(SIZE);
        assertThat(oldest(t, pool)).as(pool + " oldest connection's age, s").isPositive();
      }
      child.send("quit");
      assertThat(child.finish()).containsEntry("exit", "ok");
    }
  }

  private static long creates(Telemetry t, String pool) {
    return t.last(
            "db.client.connection.create_time", Map.of("db.client.connection.pool.name", pool))
        .map(p -> p.histogram.getCount())
        .orElse(-1L);
  }

  private static double oldest(Telemetry t, String pool) {
    return t.last("poolscope.connection.oldest_age", Map.of("db.client.connection.pool.name", pool))
        .map(p -> p.value)
        .orElse(-1.0);
  }
}
