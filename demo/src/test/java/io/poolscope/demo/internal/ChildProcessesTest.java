package io.poolscope.demo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessesTest {
  @TempDir Path directory;

  private static List<String> orphanAwareJvm() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp",
        System.getProperty("java.class.path"),
        OrphanAwareMain.class.getName());
  }

  @Test
  void aPodExitsByItselfWhenTheOrchestratorsPipeCloses() throws Exception {
    ChildProcesses processes = new ChildProcesses();
    ChildProcesses.Child child =
        processes.start("pod", orphanAwareJvm(), Map.of(), directory.resolve("pod.log"));
    assertThat(child.process().isAlive()).isTrue();

    // What the operating system does when the orchestrator dies, even by kill -9.
    child.process().getOutputStream().close();

    assertThat(
            Poll.until(
                "the pod to exit",
                Duration.ofSeconds(30),
                Duration.ofMillis(50),
                () -> child.process().isAlive(),
                alive -> !alive))
        .isFalse();
    assertThat(child.process().exitValue()).isZero();
    processes.close();
  }

  @Test
  void closeStopsEveryChildAndRemembersTheirPids() throws Exception {
    ChildProcesses processes = new ChildProcesses();
    ChildProcesses.Child one =
        processes.start("one", orphanAwareJvm(), Map.of(), directory.resolve("one.log"));
    ChildProcesses.Child two =
        processes.start("two", orphanAwareJvm(), Map.of("X", "y"), directory.resolve("two.log"));

    processes.close();

    assertThat(processes.pidsEverStarted()).containsExactly(one.pid(), two.pid());
    assertThat(processes.running()).isEmpty();
    assertThat(one.process().isAlive()).isFalse();
    assertThat(two.process().isAlive()).isFalse();
  }
}
