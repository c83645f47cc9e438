package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.fleet.FleetModel;
import io.poolscope.collector.internal.probe.ProbeResult;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Hands out the current {@link Overview}, recomputed only when the fleet or a probe changed or a
 * quarter of a second passed (staleness depends on time alone), so a dashboard polling many
 * endpoints does not rebuild the fleet on each request.
 */
public final class OverviewService {
  private static final long MAX_AGE_MILLIS = 250;

  /**
   * From this many pods on, an overview up to a second old is good enough for reads. Decided by
   * size, not by measured time: on a loaded machine a small fleet can compute slowly too, and its
   * readers (tests among them) expect to see the export they just sent.
   */
  private static final int LARGE_FLEET = 1000;

  private final FleetModel fleet;
  private final Supplier<Map<String, ProbeResult>> probes;
  private final BudgetCalculator calculator;
  private final LongSupplier clock;
  private volatile Overview cached;
  private volatile long cachedChanges = -1;
  private volatile Map<String, ProbeResult> cachedProbes;

  /** Combines the fleet, the probes' latest results and the budget arithmetic. */
  public OverviewService(
      FleetModel fleet,
      Supplier<Map<String, ProbeResult>> probes,
      BudgetCalculator calculator,
      LongSupplier clock) {
    this.fleet = fleet;
    this.probes = probes;
    this.calculator = calculator;
    this.clock = clock;
  }

  /** The current overview. */
  public Overview current() {
    long now = clock.getAsLong();
    long changes = fleet.changes();
    Map<String, ProbeResult> p = probes.get();
    Overview c = cached;
    if (c != null && c.fleet().pods().size() >= LARGE_FLEET && now - c.fleet().time() < 1000) {
      // A large fleet, changing all the time: dashboards re-fetch at most once a second anyway.
      return c;
    }
    if (c != null
        && changes == cachedChanges
        && p.equals(cachedProbes)
        && now - c.fleet().time() < MAX_AGE_MILLIS
        && now >= c.fleet().time()) {
      return c;
    }
    return compute(now, changes, p, false);
  }

  /** A fresh overview, bypassing the cache (scheduled work that must see this instant). */
  public Overview fresh() {
    long changes = fleet.changes();
    return compute(clock.getAsLong(), changes, probes.get(), true);
  }

  private synchronized Overview compute(
      long now, long changes, Map<String, ProbeResult> p, boolean force) {
    Overview c = cached;
    if (!force && c != null && c.fleet().time() >= now && cachedChanges >= changes) {
      // Another request computed it while this one waited: under load, one computation serves
      // every request that queued behind it.
      return c;
    }
    var snapshot = fleet.snapshot(now);
    Overview o = new Overview(snapshot, calculator.compute(snapshot, p), p);
    cached = o;
    cachedChanges = changes;
    cachedProbes = p;
    return o;
  }
}
