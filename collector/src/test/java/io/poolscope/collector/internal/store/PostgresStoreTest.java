package io.poolscope.collector.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store on a real (embedded) PostgreSQL: what H2 accepts, PostgreSQL must accept too. */
class PostgresStoreTest {
  static EmbeddedPostgres pg;

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  static LeakEvent leak(long t, String callSite) {
    return new LeakEvent(
        0, t, "suspected", "svc", "p", "i", "pool", "db1", "th", 1.0, "7", callSite, null);
  }

  @Test
  void aLeakBatchThatFailsPartwayStoresNothingAndLongRangesGroupOnPostgres() {
    try (JdbcStore s = new JdbcStore(pg.getJdbcUrl("postgres", "postgres"), "postgres", "")) {
      // PostgreSQL refuses NUL in text: the second event fails after the first was inserted.
      assertThatThrownBy(
              () ->
                  s.addLeaks(
                      List.of(
                          leak(1_000, "a.B(C.java:1)"),
                          leak(1_001, "a.B(C.java:2)\0"),
                          leak(1_002, "a.B(C.java:3)"))))
          .isInstanceOf(StoreException.class);
      assertThat(s.leaks(null, null, 10)).as("nothing of the failed batch").isEmpty();
      // The agent's retry (here without the NUL, as ingest now stores it) stores each event once.
      s.addLeaks(List.of(leak(1_000, "a.B(C.java:1)"), leak(1_001, "a.B(C.java:2)\uFFFD")));
      assertThat(s.leaks(null, null, 10)).hasSize(2);

      s.appendHistory(
          List.of(
              new HistoryRow("db1", 1_000, 5, 10.0, 8, null, 0, 0, 0),
              new HistoryRow("db1", 400_000, 7, 10.0, 8, null, 0, 0, 0)),
          List.of());
      List<Series> h = s.history("db1", 0, 1_000_000, 420_000);
      assertThat(h.get(0).points()).hasSize(1);
      assertThat(h.get(0).points().get(0)[1]).isEqualTo(6.0);
    }
  }
}
