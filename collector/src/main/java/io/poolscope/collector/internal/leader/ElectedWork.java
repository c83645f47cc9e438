package io.poolscope.collector.internal.leader;

import io.poolscope.alerts.SavedAlert;
import io.poolscope.collector.internal.alerting.Alerting;
import io.poolscope.collector.internal.store.Store;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Runs the alert evaluation only on the leader, with the alert state carried through the store: a
 * collector that becomes leader (at start, after a restart or when another replica died) first
 * takes over the saved state, and after each evaluation the state is saved when it changed.
 */
public final class ElectedWork {
  private final Leadership leadership;
  private final Alerting alerting;
  private final Store store;
  private final LongSupplier clock;
  private final long startedAt;
  private final long graceMillis;
  private long holdUntil;
  private boolean restored;
  private List<SavedAlert> lastSaved;
  private List<SavedAlert> lastFollowed;

  /**
   * Elected alerting over {@code store}. A collector that takes over saved alerts within {@code
   * graceMillis} of its start (three export intervals: the time a pod may take to be seen again)
   * keeps them as they are until then: its fleet may not hold every pod yet, and evaluating an
   * empty fleet would resolve, and then re-page, every firing alert.
   */
  public ElectedWork(
      Leadership leadership, Alerting alerting, Store store, LongSupplier clock, long graceMillis) {
    this.leadership = leadership;
    this.alerting = alerting;
    this.store = store;
    this.clock = clock;
    this.startedAt = clock.getAsLong();
    this.graceMillis = graceMillis;
  }

  /** Whether this collector leads now (checked with the store). */
  public synchronized boolean lead() {
    boolean lead = leadership.check();
    if (!lead) {
      // A former leader's engine is stale: take over the saved state again when re-elected.
      restored = false;
    }
    return lead;
  }

  /**
   * On a follower, shows the leader's alerts as it last saved them; returns whether they changed.
   * Throws when the store cannot be read.
   */
  public synchronized boolean follow() {
    if (leadership.leader()) {
      return false;
    }
    List<SavedAlert> saved = store.alertState();
    if (saved.equals(lastFollowed)) {
      return false;
    }
    alerting.follow(saved, clock.getAsLong());
    lastFollowed = saved;
    return true;
  }

  /**
   * Runs {@code evaluate} if this collector leads, after taking over the saved state when it has
   * just become leader; then saves the state if it changed. Throws (and evaluates nothing) when the
   * store cannot be read.
   */
  public synchronized void evaluate(Runnable evaluate) {
    if (!leadership.leader()) {
      return;
    }
    if (!restored) {
      List<SavedAlert> saved = store.alertState();
      alerting.restore(saved, clock.getAsLong());
      lastSaved = saved;
      lastFollowed = null;
      restored = true;
      holdUntil = saved.isEmpty() ? 0 : startedAt + graceMillis;
    }
    if (clock.getAsLong() < holdUntil) {
      return;
    }
    evaluate.run();
    // Saved whenever it changed, values included: followers show what was saved. Only pending
    // and firing alerts are rows, so this is a few rows an interval during an incident.
    List<SavedAlert> now = alerting.saveState();
    if (!now.equals(lastSaved)) {
      store.replaceAlertState(now);
      lastSaved = now;
    }
  }
}
