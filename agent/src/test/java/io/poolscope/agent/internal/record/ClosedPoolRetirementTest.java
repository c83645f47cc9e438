package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A closed pool's recorder leaves the export once an export carried its final figures, but never
 * before every getConnection attempt on it was exported, even attempts after it left.
 */
class ClosedPoolRetirementTest {
  private final Registry registry = new Registry();
  private final Hub hub = new Hub(registry, new PhysicalTracker(), false, 0);
  private final Object dataSource = new Object();

  private void borrowAndClose() {
    Object conn = new Object();
    hub.leaseExit(hub.leaseEnter(dataSource), conn, null);
    hub.closeExit(hub.closeEnter(conn), conn, null);
  }

  private void failedBorrow() {
    hub.leaseExit(hub.leaseEnter(dataSource), null, new SQLException("pool is closed"));
  }

  /** What an export reads: {waits, timeouts}. */
  private static long[] export(PoolRecorder r) {
    HistogramSnapshot wait = new HistogramSnapshot();
    long timeouts = r.snapshot(wait, new HistogramSnapshot(), new HistogramSnapshot());
    return new long[] {wait.count, timeouts};
  }

  @Test
  void attemptAfterRetirementBringsThePoolBackIntoTheExport() {
    borrowAndClose();
    PoolRecorder r = registry.find(dataSource);
    registry.poolClosed(dataSource);
    export(r);
    registry.retire(Set.of(r));
    assertThat(registry.recorders()).doesNotContain(r);

    failedBorrow();

    assertThat(registry.recorders()).contains(r);
    assertThat(export(r)).containsExactly(2, 1);
    registry.retire(Set.of(r));
    assertThat(registry.recorders()).doesNotContain(r);
  }

  @Test
  void attemptSinceTheLastExportKeepsThePoolForTheNextExport() {
    borrowAndClose();
    PoolRecorder r = registry.find(dataSource);
    registry.poolClosed(dataSource);
    export(r);
    failedBorrow(); // after the export's snapshot, before its retirement pass

    registry.retire(Set.of(r));

    assertThat(registry.recorders()).contains(r);
    assertThat(export(r)).containsExactly(2, 1);
    registry.retire(Set.of(r));
    assertThat(registry.recorders()).doesNotContain(r);
  }
}
