package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent sets itself up on its own thread while the application starts; an application that
 * builds a pool and borrows from it on the first line of {@code main}, then exits at once, is still
 * reported in full by the final export.
 */
class StartupIT {
  private static final int BORROWS = 3;

  @Test
  void poolBuiltAndBorrowedOnTheFirstLineOfMainIsReportedInFull() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .agentArgs("endpoint=" + r.endpoint())
                .mainClass("io.poolscope.testapp.FirstLinePoolApp")
                .app(Integer.toString(BORROWS))
                .lib("hikari-newest")
                .start()) {
      assertThat(child.finish()).containsEntry("borrowed", Integer.toString(BORROWS));
      Telemetry t = r.telemetry();
      Map<String, String> pool = Map.of("db.client.connection.pool.name", "first-line-pool");
      // The default interval is 10 s: every figure below comes from the export at exit.
      assertThat(t.all("poolscope.agent.exiting")).as(child.toString()).singleElement();
      assertThat(t.histogramCount("db.client.connection.use_time", pool)).isEqualTo(BORROWS);
      assertThat(t.histogramCount("db.client.connection.wait_time", pool)).isEqualTo(BORROWS);
      assertThat(t.last("db.client.connection.max", pool).orElseThrow().value).isEqualTo(2);
      assertThat(
              t.last("poolscope.pool.created", Map.of("poolscope.pool.type", "HikariDataSource"))
                  .orElseThrow()
                  .value)
          .isEqualTo(1);
    }
  }

  @Test
  void jvmThatNeverTouchesJdbcSendsNothingAtExit() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .agentArgs("endpoint=" + r.endpoint())
                .mainClass("io.poolscope.testapp.NoPoolApp")
                .start()) {
      assertThat(child.finish()).containsEntry("exit", "ok");
      // It never saw a pool or a connection: no export at all, not even a final one at exit.
      assertThat(r.metrics).as(child.toString()).isEmpty();
    }
  }
}
