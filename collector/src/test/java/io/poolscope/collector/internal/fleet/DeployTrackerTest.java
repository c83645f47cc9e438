package io.poolscope.collector.internal.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeployTrackerTest {
  static final TargetKey DB = new TargetKey("postgresql", "db", 5432, "app");

  final FleetModel fleet = new FleetModel(10_000, 3_600_000);
  final DeployTracker deploys = new DeployTracker();

  void report(String pod, String version, long now) {
    Point max =
        new Point(Metrics.MAX, Point.Temporality.GAUGE, DB, "main", null, null, 10, null, 0);
    fleet.apply(
        new PodReport("payments", pod, pod, "h", version, new ArrayList<>(List.of(max))), now);
  }

  @Test
  void aNewVersionAmongLivePodsIsADeploy() {
    report("a", "1.4.2", 0);
    report("b", "1.4.2", 0);
    assertThat(deploys.observe(fleet.snapshot(0))).isEmpty();
    report("c", "1.5.0", 10_000);
    List<DeployTracker.Deploy> d = deploys.observe(fleet.snapshot(10_000));
    assertThat(d).hasSize(1);
    assertThat(d.get(0).text()).isEqualTo("payments 1.4.2 -> 1.5.0");
    assertThat(d.get(0).targets()).containsExactly(DB.id());
    // The rollout finishing (old pods going stale) is not another deploy.
    report("c", "1.5.0", 50_000);
    assertThat(deploys.observe(fleet.snapshot(50_000))).isEmpty();
  }
}
