package io.poolscope.collector.internal.store;

import io.poolscope.collector.internal.budget.DatabaseBudget;
import io.poolscope.collector.internal.budget.Overview;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.fleet.PoolView;
import java.util.ArrayList;
import java.util.List;

/** Writes one history step: each target's budget and each live pool's figures. */
public final class HistoryRecorder {
  private final Store store;
  private final long stepMillis;

  /** Writes to {@code store} at times aligned to {@code stepMillis}. */
  public HistoryRecorder(Store store, long stepMillis) {
    this.store = store;
    this.stepMillis = stepMillis;
  }

  /** Records the overview at its step. */
  public void record(Overview o) {
    long t = o.fleet().time() / stepMillis * stepMillis;
    List<HistoryRow> dbRows = new ArrayList<>();
    for (DatabaseBudget b : o.budgets()) {
      dbRows.add(
          new HistoryRow(
              b.id(),
              t,
              b.open(),
              b.usable() == null ? null : b.usable().doubleValue(),
              b.planned(),
              b.actual() == null ? null : b.actual().doubleValue(),
              b.pending(),
              b.waitP99(),
              b.useP99()));
    }
    List<PoolHistoryRow> poolRows = new ArrayList<>();
    for (PodView pod : o.fleet().pods()) {
      if (pod.stale()) {
        continue;
      }
      for (PoolView p : pod.pools()) {
        if (!p.stale()) {
          poolRows.add(
              new PoolHistoryRow(
                  p.target().id(),
                  t,
                  pod.service(),
                  pod.instanceId(),
                  pod.podName(),
                  p.name(),
                  p.used(),
                  p.idle(),
                  p.max(),
                  p.pending(),
                  p.waitP99(),
                  p.useP99()));
        }
      }
    }
    if (!dbRows.isEmpty() || !poolRows.isEmpty()) {
      store.appendHistory(dbRows, poolRows);
    }
  }
}
