package io.poolscope.collector.internal.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Snapshots reuse the view of a pod that did not change, and still show, to the millisecond, what
 * the time alone changes: silent, stale, a closed pool's 15 minutes.
 */
class PodViewReuseTest {
  static final TargetKey DB = new TargetKey("postgresql", "db", 5432, "app");

  /** 10 s interval: silent after 15 s, stale after 30 s. */
  final FleetModel fleet = new FleetModel(10_000, 3_600_000);

  void report(long now, PoolReading... pools) {
    fleet.apply(
        new PodReport("svc", "pod-1", "pod-1", "host", "1", false, List.of(pools), List.of()), now);
  }

  static PoolReading pool(String name, double used, boolean open) {
    return new PoolReading.Builder(DB, name).used(used).max(10).open(open).build();
  }

  PodView pod(long now) {
    return fleet.snapshot(now).pods().get(0);
  }

  @Test
  void unchangedPodIsTheSameViewInTheNextSnapshot() {
    report(0, pool("main", 3, true));
    PodView first = pod(1);
    assertThat(pod(2)).isSameAs(first);
    assertThat(first.total().used()).isEqualTo(3);
  }

  @Test
  void reportAfterASnapshotShowsInTheNextOne() {
    report(0, pool("main", 3, true));
    assertThat(pod(1).total().used()).isEqualTo(3);
    report(1, pool("main", 5, true));
    assertThat(pod(1).total().used()).isEqualTo(5);
  }

  @Test
  void unchangedPodTurnsSilentThenStaleOnTheMillisecondItsBoundPasses() {
    report(0, pool("main", 3, true));
    assertThat(pod(1).silent()).isFalse();
    assertThat(pod(15_000).silent()).isFalse();
    assertThat(pod(15_001).silent()).isTrue();
    PodView live = pod(30_000);
    assertThat(live.status()).isEqualTo(PodView.Status.LIVE);
    assertThat(live.total().used()).isEqualTo(3);
    PodView stale = pod(30_001);
    assertThat(stale.status()).isEqualTo(PodView.Status.STALE);
    assertThat(stale.total().used()).isZero();
  }

  @Test
  void closedPoolLeavesItsFamilyWhenItsFifteenMinutesPassWithoutAnotherReport() {
    report(0, pool("main", 3, true), pool("job-1", 1, false));
    assertThat(pod(1).families()).extracting(FamilyView::key).contains("job-1");
    long kept = FleetModel.CLOSED_KEPT_MILLIS;
    assertThat(pod(kept).families()).extracting(FamilyView::key).contains("job-1");
    assertThat(pod(kept + 1).families()).extracting(FamilyView::key).doesNotContain("job-1");
  }

  @Test
  void snapshotAtAnEarlierTimeIsComputedForThatTime() {
    report(0, pool("main", 3, true));
    assertThat(pod(30_001).status()).isEqualTo(PodView.Status.STALE);
    // An injected clock may go back (a test, a replica applying an older export).
    assertThat(pod(1).status()).isEqualTo(PodView.Status.LIVE);
  }
}
