package io.poolscope.collector.internal.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cumulative counters and histograms across agent restarts, staleness and forgetting. */
class FleetModelTest {
  static final TargetKey DB = new TargetKey("postgresql", "db", 5432, "app");
  static final double[] BOUNDS = {0.01, 0.1, 1};

  final FleetModel fleet = new FleetModel(10_000, 3_600_000);

  static PoolReading.Builder main() {
    return new PoolReading.Builder(DB, "main");
  }

  static PoolReading timeouts(double v, long start) {
    return main().timeouts(new CounterReading(v, false, start)).build();
  }

  static PoolReading suspected(double v, long start) {
    return main().leaks(LeakState.SUSPECTED, new CounterReading(v, false, start)).build();
  }

  static PoolReading waits(long[] counts, long start) {
    return main().waitTime(new HistogramReading(BOUNDS, counts, 0, false, start)).build();
  }

  void report(long now, PoolReading... pools) {
    fleet.apply(
        new PodReport("svc", "pod-1", "pod-1", "host", "1", false, List.of(pools), List.of()), now);
  }

  PoolView pool(long now) {
    return fleet.snapshot(now).pods().get(0).families().get(0).pools().get(0);
  }

  FamilyView family(long now) {
    return fleet.snapshot(now).pods().get(0).families().get(0);
  }

  @Test
  void counterResetIsAddedNotSubtracted() {
    report(0, timeouts(5, 100));
    report(10_000, timeouts(8, 100));
    // The agent's process restarted under the same instance id: its counter starts again.
    report(20_000, timeouts(2, 200));
    report(30_000, timeouts(3, 200));
    // 8 before the restart, 3 since.
    assertThat(pool(30_000).timeouts()).isEqualTo(11);
    // A lower value with an unchanged start time is a reset too.
    report(40_000, suspected(4, 0));
    report(50_000, suspected(1, 0));
    assertThat(pool(50_000).leaksSuspected()).isEqualTo(5);
  }

  @Test
  void p99CoversTheLastMinuteOnly() {
    // First minute: every wait slow (0.1..1 s).
    report(0, waits(new long[] {0, 0, 100, 0}, 1));
    assertThat(pool(0).waitP99()).isGreaterThan(0.1);
    // Then a minute and more of fast waits only.
    long[] cum = {0, 0, 100, 0};
    for (long t = 10_000; t <= 130_000; t += 10_000) {
      cum[0] += 100;
      report(t, waits(cum.clone(), 1));
    }
    assertThat(pool(130_000).waitP99()).isLessThanOrEqualTo(0.01);
    assertThat(family(130_000).waitHistogram().counts()).containsExactly(1300, 0, 100, 0);
  }

  @Test
  void staleAfterThreeIntervalsForgottenAfterRetention() {
    report(0, timeouts(1, 1));
    assertThat(fleet.snapshot(30_000).pods().get(0).stale()).isFalse();
    assertThat(fleet.snapshot(30_001).pods().get(0).stale()).isTrue();
    assertThat(fleet.forget(3_599_999)).isZero();
    assertThat(fleet.forget(3_600_001)).isEqualTo(1);
    assertThat(fleet.snapshot(3_600_001).pods()).isEmpty();
  }

  @Test
  void aClosedPoolsCountersStayInItsFamilyAfterItIsDropped() {
    String family = "HikariPool@com.acme.Job.run:12";
    PoolReading.Builder first =
        new PoolReading.Builder(DB, "HikariPool-2").family(family).max(2).open(true);
    report(0, first.timeouts(new CounterReading(3, false, 1)).build());
    assertThat(family(0).label()).isEqualTo("HikariPool-2");
    report(1_000, new PoolReading.Builder(DB, "HikariPool-2").family(family).open(false).build());
    report(
        2_000,
        new PoolReading.Builder(DB, "HikariPool-3")
            .family(family)
            .max(2)
            .open(true)
            .timeouts(new CounterReading(1, false, 1))
            .build());
    FamilyView f = family(2_000);
    // Two names: the short form, bounded however many pools follow.
    assertThat(f.label()).isEqualTo("HikariPool@Job.run:12");
    assertThat(f.livePools()).isEqualTo(1);
    assertThat(f.closedPools()).isEqualTo(1);
    assertThat(f.max()).isEqualTo(2);
    assertThat(f.timeouts()).isEqualTo(4);
    // Past 15 minutes the closed pool is dropped; its 3 timeouts stay in the family's total.
    long later = 1_000 + FleetModel.CLOSED_KEPT_MILLIS + 1;
    report(later - 1, new PoolReading.Builder(DB, "HikariPool-3").family(family).build());
    fleet.forget(later);
    f = family(later);
    assertThat(f.pools()).extracting(PoolView::name).containsExactly("HikariPool-3");
    assertThat(f.closedPools()).isZero();
    assertThat(f.timeouts()).isEqualTo(4);
    assertThat(f.label()).isEqualTo("HikariPool@Job.run:12");
  }

  @Test
  void aFamilysPhysicalConnectionsCountEveryPoolItHadAndAgesOnlyItsLiveOnes() {
    String family = "HikariPool@com.acme.Job.run:12";
    long[] fiveOpens = {0, 5, 0, 0};
    report(
        0,
        new PoolReading.Builder(DB, "HikariPool-2")
            .family(family)
            .open(true)
            .createTime(new HistogramReading(BOUNDS, fiveOpens, 0.1, false, 1))
            .connectionsClosed("max_lifetime", new CounterReading(2, false, 1))
            .oldestAge(4000)
            .maxLifetime(1800)
            .build());
    report(1_000, new PoolReading.Builder(DB, "HikariPool-2").family(family).open(false).build());
    long[] threeOpens = {0, 3, 0, 0};
    report(
        2_000,
        new PoolReading.Builder(DB, "HikariPool-3")
            .family(family)
            .open(true)
            .createTime(new HistogramReading(BOUNDS, threeOpens, 0.1, false, 1))
            .connectionsClosed("max_lifetime", new CounterReading(1, false, 1))
            .connectionsClosed("broken", new CounterReading(1, false, 1))
            .oldestAge(60)
            .maxLifetime(900)
            .build());
    PoolView.Physical p = family(2_000).physical();
    assertThat(p.created()).isEqualTo(8);
    assertThat(p.closed()).containsEntry("max_lifetime", 3.0).containsEntry("broken", 1.0);
    assertThat(p.closedTotal()).isEqualTo(4);
    // The closed pool's 4000 s connection and 1800 s lifetime are gone with it.
    assertThat(p.oldestAge()).isEqualTo(60);
    assertThat(p.maxLifetime()).isEqualTo(900);
    // Past 15 minutes the closed pool is dropped; its opens and closes stay in the family's.
    long later = 1_000 + FleetModel.CLOSED_KEPT_MILLIS + 1;
    report(later - 1, new PoolReading.Builder(DB, "HikariPool-3").family(family).build());
    fleet.forget(later);
    assertThat(family(later).pools()).extracting(PoolView::name).containsExactly("HikariPool-3");
    p = family(later).physical();
    assertThat(p.created()).isEqualTo(8);
    assertThat(p.closed()).containsEntry("max_lifetime", 3.0).containsEntry("broken", 1.0);
    assertThat(family(later).pools().get(0).physical().created()).isEqualTo(3);
  }

  @Test
  void quantileIsExactAtTheHundredMillisecondBound() {
    // 99 of 100 at or below 0.1 s: p99 is at most 0.1; 98 of 100: above it.
    assertThat(HistogramState.quantile(0.99, BOUNDS, new long[] {0, 99, 1, 0}, 100))
        .isLessThanOrEqualTo(0.1);
    assertThat(HistogramState.quantile(0.99, BOUNDS, new long[] {0, 98, 2, 0}, 100))
        .isGreaterThan(0.1);
  }
}
