package io.poolscope.collector.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.collector.CollectorConfig;
import io.poolscope.collector.internal.budget.BudgetCalculator;
import io.poolscope.collector.internal.budget.OverviewService;
import io.poolscope.collector.internal.fleet.FleetModel;
import io.poolscope.collector.internal.store.JdbcStore;
import io.poolscope.collector.internal.store.TimelineEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History marks: one per rule (or deploy) and step, however many alert instances moved. */
class HistoryEventsTest {
  static final String DB = "postgresql_db_5432_app";

  @TempDir Path dir;

  @Test
  void alertInstancesFiringTogetherAreOneMarkPerRuleAndStep() {
    try (JdbcStore store = new JdbcStore("jdbc:h2:file:" + dir.resolve("s"), "sa", "")) {
      long t0 = 600_000;
      // 40 pools' wait alerts fire within one step, the leak rule once, then wait resolves later.
      for (int i = 0; i < 40; i++) {
        store.addEvent(
            new TimelineEvent(t0 + i * 100, DB, "alert", "PoolscopeAcquireWaitHigh firing"));
      }
      store.addEvent(new TimelineEvent(t0 + 500, DB, "alert", "PoolscopeConnectionLeak firing"));
      store.addEvent(
          new TimelineEvent(t0 + 120_000, DB, "alert", "PoolscopeAcquireWaitHigh resolved"));
      long now = t0 + 180_000;
      FleetModel fleet = new FleetModel(10_000, 3_600_000);
      OverviewService overview =
          new OverviewService(
              fleet,
              Map::of,
              new BudgetCalculator(CollectorConfig.defaults()),
              () -> now,
              Runnable::run);
      ReadService read =
          new ReadService(overview, store, AlertsView.NONE, () -> now, 10_000, 60_000, "test");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> events =
          (List<Map<String, Object>>) read.history(DB, 0L, now).get("events");
      assertThat(events)
          .extracting(e -> e.get("text") + " x" + e.get("count"))
          .containsExactlyInAnyOrder(
              "PoolscopeAcquireWaitHigh firing x40",
              "PoolscopeConnectionLeak firing x1",
              "PoolscopeAcquireWaitHigh resolved x1");
    }
  }
}
