package io.poolscope.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.poolscope.benchmarks.internal.load.Latencies;
import io.poolscope.benchmarks.internal.stats.Summary;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void medianAndQuartilesInterpolateBetweenRanks() {
    Summary s = Summary.of(List.of(4.0, 1.0, 3.0, 2.0));
    assertThat(s.n()).isEqualTo(4);
    assertThat(s.median()).isCloseTo(2.5, within(1e-9));
    assertThat(s.p25()).isCloseTo(1.75, within(1e-9));
    assertThat(s.p75()).isCloseTo(3.25, within(1e-9));
    assertThat(s.min()).isEqualTo(1.0);
    assertThat(s.max()).isEqualTo(4.0);
  }

  @Test
  void emptySampleIsNotANumber() {
    assertThat(Summary.of(List.of()).median()).isNaN();
  }

  @Test
  void latencyP99IsTheNearestRankSoOneSlowRequestInAHundredCounts() {
    Latencies l = new Latencies();
    for (int i = 1; i <= 100; i++) {
      l.add(i * 1_000_000L); // 1 ms .. 100 ms
    }
    assertThat(l.quantileMillis(0.99)).isEqualTo(99.0);
    assertThat(l.quantileMillis(0.50)).isEqualTo(50.0);
    assertThat(l.describe()).contains("max=100.0 ms");
  }
}
