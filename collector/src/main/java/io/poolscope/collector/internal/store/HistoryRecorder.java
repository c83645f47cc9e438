package io.poolscope.collector.internal.store;

import io.poolscope.collector.internal.budget.DatabaseBudget;
import io.poolscope.collector.internal.budget.Overview;
import io.poolscope.collector.internal.budget.ServerBudget;
import io.poolscope.collector.internal.fleet.FamilyView;
import io.poolscope.collector.internal.fleet.PodView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one history step: each target's budget, each server's (under {@link #SERVER_PREFIX} and
 * its id) and each live pool family's figures.
 */
public final class HistoryRecorder {
  /** A server's rows are kept with the target rows, under this prefix and the server's id. */
  public static final String SERVER_PREFIX = "server:";

  private final Store store;
  private final long stepMillis;

  /** Writes to {@code store} at times aligned to {@code stepMillis}. */
  public HistoryRecorder(Store store, long stepMillis) {
    this.store = store;
    this.stepMillis = stepMillis;
  }

  private static PoolHistoryRow merge(PoolHistoryRow a, PoolHistoryRow b) {
    // Written out: a nested ?: mixing Double and double is typed double and unboxes a null max.
    Double max;
    if (a.max() == null) {
      max = b.max();
    } else if (b.max() == null) {
      max = a.max();
    } else {
      max = a.max() + b.max();
    }
    return new PoolHistoryRow(
        a.db(),
        a.time(),
        a.service(),
        a.pool(),
        a.pods() + b.pods(),
        a.used() + b.used(),
        a.idle() + b.idle(),
        max,
        a.pending() + b.pending(),
        Math.max(a.waitP99(), b.waitP99()),
        Math.max(a.useP99(), b.useP99()));
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
    for (ServerBudget s : o.servers()) {
      dbRows.add(
          new HistoryRow(
              SERVER_PREFIX + s.id(),
              t,
              s.open(),
              s.usable() == null ? null : s.usable().doubleValue(),
              s.planned(),
              s.actual() == null ? null : s.actual().doubleValue(),
              0,
              0,
              0));
    }
    Map<List<String>, PoolHistoryRow> pools = new LinkedHashMap<>();
    for (PodView pod : o.fleet().pods()) {
      if (pod.stale()) {
        continue;
      }
      for (FamilyView p : pod.families()) {
        if (!p.live()) {
          continue;
        }
        PoolHistoryRow row =
            new PoolHistoryRow(
                p.target().id(),
                t,
                pod.service(),
                p.label(),
                1,
                p.used(),
                p.idle(),
                p.max(),
                p.pending(),
                p.waitP99(),
                p.useP99());
        pools.merge(List.of(row.db(), row.service(), row.pool()), row, HistoryRecorder::merge);
      }
    }
    List<PoolHistoryRow> poolRows = new ArrayList<>(pools.values());
    if (!dbRows.isEmpty() || !poolRows.isEmpty()) {
      store.appendHistory(dbRows, poolRows);
    }
  }
}
