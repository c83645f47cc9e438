package io.poolscope.collector.internal.budget;

import io.poolscope.collector.internal.fleet.FleetModel;
import io.poolscope.collector.internal.probe.ProbeResult;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Hands out the current {@link Overview}, recomputed only when the fleet or a probe changed or a
 * quarter of a second passed (staleness depends on time alone), so a dashboard polling many
 * endpoints does not rebuild the fleet on each request.
 *
 * <p>A large fleet's readers never wait for a computation: they get the last complete overview, and
 * one that is a second old or more starts a recomputation on {@code refresher} (one at a time) for
 * the readers after them. On a machine too busy to compute one in a quarter of a second, the
 * overview may grow as old as four computations took, so that reads keep the recomputation to a
 * quarter of a core however slow it gets. The scheduler's {@link #fresh()} also publishes what it
 * computes.
 */
public final class OverviewService {
  private static final long MAX_AGE_MILLIS = 250;

  /** How old a large fleet's overview may get before a read starts a recomputation. */
  private static final long LARGE_FLEET_MAX_AGE_MILLIS = 1000;

  /** A large fleet's overview is recomputed for reads at most once per this many computations. */
  private static final int LARGE_FLEET_DUTY = 4;

  /**
   * From this many pods on, an overview up to a second old is good enough for reads. Decided by
   * size, not by measured time: on a loaded machine a small fleet can compute slowly too, and its
   * readers (tests among them) expect to see the export they just sent.
   */
  private static final int LARGE_FLEET = 1000;

  /** An overview with the fleet change count and probe results it was computed from. */
  private record Computed(
      Overview overview,
      long changes,
      Map<String, ProbeResult> probes,
      Map<String, ProbeResult> serverProbes) {}

  private final FleetModel fleet;
  private final Supplier<Map<String, ProbeResult>> probes;
  private final Supplier<Map<String, ProbeResult>> serverProbes;
  private final BudgetCalculator calculator;
  private final LongSupplier clock;
  private final Executor refresher;
  private final AtomicReference<Computed> cached = new AtomicReference<>();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final Consumer<Overview> computed;

  /** How long the last computation took, in milliseconds of real time. */
  private volatile long lastComputeMillis;

  /**
   * Combines the fleet, the probes' latest results and the budget arithmetic; {@code refresher}
   * runs a large fleet's recomputations off the readers' threads.
   */
  public OverviewService(
      FleetModel fleet,
      Supplier<Map<String, ProbeResult>> probes,
      BudgetCalculator calculator,
      LongSupplier clock,
      Executor refresher) {
    this(fleet, probes, Map::of, calculator, clock, refresher);
  }

  /** As above, with the probes' readings per server for the servers' budgets. */
  public OverviewService(
      FleetModel fleet,
      Supplier<Map<String, ProbeResult>> probes,
      Supplier<Map<String, ProbeResult>> serverProbes,
      BudgetCalculator calculator,
      LongSupplier clock,
      Executor refresher) {
    this(fleet, probes, serverProbes, calculator, clock, refresher, o -> {});
  }

  /**
   * As above; {@code computed} sees each overview as it is computed (on the computing thread, so it
   * must return at once), e.g. to ask for a probe reading when the agents' sum ran ahead of one.
   */
  public OverviewService(
      FleetModel fleet,
      Supplier<Map<String, ProbeResult>> probes,
      Supplier<Map<String, ProbeResult>> serverProbes,
      BudgetCalculator calculator,
      LongSupplier clock,
      Executor refresher,
      Consumer<Overview> computed) {
    this.computed = computed;
    this.fleet = fleet;
    this.probes = probes;
    this.serverProbes = serverProbes;
    this.calculator = calculator;
    this.clock = clock;
    this.refresher = refresher;
  }

  /** The current overview. */
  public Overview current() {
    long now = clock.getAsLong();
    Computed c = cached.get();
    if (c != null && c.overview().fleet().pods().size() >= LARGE_FLEET) {
      // A large fleet, changing all the time: dashboards re-fetch at most once a second anyway.
      long maxAge = Math.max(LARGE_FLEET_MAX_AGE_MILLIS, LARGE_FLEET_DUTY * lastComputeMillis);
      if (now - c.overview().fleet().time() >= maxAge) {
        refreshInBackground();
      }
      return c.overview();
    }
    long changes = fleet.changes();
    Map<String, ProbeResult> p = probes.get();
    Map<String, ProbeResult> sp = serverProbes.get();
    if (c != null
        && changes == c.changes()
        && p.equals(c.probes())
        && sp.equals(c.serverProbes())
        && now - c.overview().fleet().time() < MAX_AGE_MILLIS
        && now >= c.overview().fleet().time()) {
      return c.overview();
    }
    // A small fleet: cheap enough for the reader to compute, so it sees what was just sent.
    return compute(now, changes, p, sp);
  }

  /** A fresh overview, bypassing the cache (scheduled work that must see this instant). */
  public Overview fresh() {
    long changes = fleet.changes();
    return compute(clock.getAsLong(), changes, probes.get(), serverProbes.get());
  }

  private void refreshInBackground() {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      refresher.execute(
          () -> {
            try {
              fresh();
            } finally {
              refreshing.set(false);
            }
          });
    } catch (RejectedExecutionException e) {
      // Shutting down: the readers keep the last overview.
      refreshing.set(false);
    }
  }

  private Overview compute(
      long now, long changes, Map<String, ProbeResult> p, Map<String, ProbeResult> sp) {
    long start = System.nanoTime();
    var snapshot = fleet.snapshot(now);
    Computed next = new Computed(calculator.overview(snapshot, p, sp), changes, p, sp);
    lastComputeMillis = (System.nanoTime() - start) / 1_000_000;
    // Two computations can overlap (the scheduler's and a reader's): the one that saw fewer fleet
    // changes does not replace the other.
    cached.accumulateAndGet(
        next, (old, n) -> old == null || n.changes() >= old.changes() ? n : old);
    computed.accept(next.overview());
    return next.overview();
  }
}
