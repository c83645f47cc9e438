package io.poolscope.demo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.demo.DemoSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FleetTest {
  @Test
  void agentArgumentsUseOnlyDocumentedOptionsWithTheDemoTimings() {
    DemoSettings settings = DemoSettings.quick();
    Fleet fleet =
        new Fleet(settings, new ChildProcesses(), null, "http://127.0.0.1:4999", Path.of("."));

    assertThat(fleet.agentArguments("payments", 2))
        .isEqualTo(
            "endpoint=http://127.0.0.1:4999,service=payments,serviceVersion=2,"
                + "interval=1s,leakThreshold=3s,leakSampleRate=1");
  }

  @Test
  void standardTimingsAreWholeSeconds() {
    DemoSettings settings = DemoSettings.standard();
    Fleet fleet =
        new Fleet(settings, new ChildProcesses(), null, "http://127.0.0.1:4318", Path.of("."));

    assertThat(fleet.agentArguments("jobs", 1))
        .endsWith("interval=5s,leakThreshold=10s,leakSampleRate=1");
  }
}
