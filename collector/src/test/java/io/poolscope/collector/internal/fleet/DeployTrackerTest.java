package io.poolscope.collector.internal.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeployTrackerTest {
  static final TargetKey DB = new TargetKey("postgresql", "db", 5432, "app");

  final FleetModel fleet = new FleetModel(10_000, 3_600_000);
  final DeployTracker deploys = new DeployTracker();

  void report(String pod, String version, long now) {
    PoolReading max = new PoolReading.Builder(DB, "main").max(10).build();
    fleet.apply(
        new PodReport("payments", pod, pod, "h", version, false, List.of(max), List.of()), now);
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
