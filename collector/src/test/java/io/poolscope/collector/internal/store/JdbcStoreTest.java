package io.poolscope.collector.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoreTest {
  @TempDir Path dir;

  String url() {
    return "jdbc:h2:file:" + dir.resolve("s");
  }

  static LeakEvent leak(long t, String db, String service) {
    return new LeakEvent(
        0, t, "suspected", service, "p", "i", "pool", db, "th", 1.0, "1", "a.B(C.java:1)", null);
  }

  @Test
  void migrationsRunOnceAndRetentionDeletesOnlyOldRows() {
    try (JdbcStore s = new JdbcStore(url(), "sa", "")) {
      s.appendHistory(
          List.of(
              new HistoryRow("db1", 1_000, 5, 10.0, 8, null, 0, 0, 0),
              new HistoryRow("db1", 100_000, 6, 10.0, 8, null, 0, 0, 0)),
          List.of(new PoolHistoryRow("db1", 1_000, "svc", "pool", 2, 3, 4, 10.0, 0, 0, 0)));
      s.addLeaks(
          List.of(
              leak(1_000, "db1", "svc"),
              leak(100_000, "db1", "svc"),
              leak(100_001, "db2", "other")));
      long id = s.addAlert(new AlertRecord(1_000, "R", Map.of("db", "db1"), "firing", 1.0, "[]"));
      s.updateAlertDeliveries(id, "[{\"target\":\"t\"}]");
      s.addEvent(new TimelineEvent(1_000, "db1", "deploy", "svc 1 -> 2"));
    }
    // Reopening migrates nothing twice and finds every row.
    try (JdbcStore s = new JdbcStore(url(), "sa", "")) {
      assertThat(s.leaks(null, null, 10)).hasSize(3);
      assertThat(s.leaks("db1", null, 10)).hasSize(2);
      assertThat(s.leaks(null, "other", 10)).hasSize(1);
      assertThat(s.leaks(null, null, 1).get(0).time()).isEqualTo(100_001);
      assertThat(s.alerts(10).get(0).deliveriesJson()).isEqualTo("[{\"target\":\"t\"}]");
      assertThat(s.alerts(10).get(0).labels()).containsEntry("db", "db1");
      assertThat(s.events("db1", 0, 2_000)).hasSize(1);
      assertThat(s.poolHistory("db1", 0, 2_000).get(0).pods()).isEqualTo(2);

      int deleted = s.purgeBefore(50_000);
      // One db row, one pool row, one leak, one alert, one event.
      assertThat(deleted).isEqualTo(5);
      assertThat(s.leaks(null, null, 10)).hasSize(2);
      List<Series> h = s.history("db1", 0, 200_000, 60_000);
      assertThat(h.get(0).name()).isEqualTo("open");
      assertThat(h.get(0).points()).hasSize(1);
      assertThat(h.get(0).points().get(0)[1]).isEqualTo(6.0);
      assertThat(h.get(3).name()).isEqualTo("actual");
      assertThat(h.get(3).points()).isEmpty();
    }
  }
}
