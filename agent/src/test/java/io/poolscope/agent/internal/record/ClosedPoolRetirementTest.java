package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.h2.jdbcx.JdbcConnectionPool;
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

  /** A job that builds a pool every run while the collector is down: bounded, oldest go first. */
  @Test
  void whileExportsFailOnlyTheNewestClosedPoolsAreKept() {
    List<PoolRecorder> recorders = new ArrayList<>();
    Object heldConn = new Object();
    for (int i = 0; i < 70; i++) {
      JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:job", "sa", "");
      Object conn = i == 0 ? heldConn : new Object();
      hub.leaseExit(hub.leaseEnter(pool), conn, null);
      if (i > 0) {
        hub.closeExit(hub.closeEnter(conn), conn, null);
      }
      registry.poolClosed(pool);
      recorders.add(registry.find(pool));
    }

    // The oldest pool still has a connection out: it stays, and the next six oldest go.
    assertThat(registry.dropClosedBeyond(64)).isEqualTo(6);
    assertThat(registry.recorders())
        .containsExactlyElementsOf(concat(recorders.subList(0, 1), recorders.subList(7, 70)));
    assertThat(registry.churn()).hasSize(1); // one family: same type, same database
    long[] churn = registry.churn().values().iterator().next();
    assertThat(churn).containsExactly(70, 70);
    assertThat(registry.dropClosedBeyond(64)).isZero();
  }

  private static List<PoolRecorder> concat(List<PoolRecorder> a, List<PoolRecorder> b) {
    List<PoolRecorder> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
