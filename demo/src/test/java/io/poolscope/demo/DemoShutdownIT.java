package io.poolscope.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.demo.internal.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C, for real: the demo jar runs as its own process, as {@code ./poolscope demo} runs it; a
 * SIGTERM (what the shell's Ctrl-C amounts to for the JVM's shutdown hooks) must leave no pod, no
 * PostgreSQL and no temporary file behind. And a demo that stopped by itself ends its JVM by
 * returning from {@code main}, with no {@code System.exit}: no thread of its parts keeps it.
 */
class DemoShutdownIT {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void terminatingTheDemoStopsEveryProcessItStartedAndRemovesItsFiles() throws Exception {
    Path output = tmp.resolve("demo.out");
    Path workRoot = Files.createDirectories(tmp.resolve("work"));
    Process demo =
        java(
            output,
            "-Djava.io.tmpdir=" + workRoot,
            "-jar",
            System.getProperty("poolscope.demo.classpath"),
            "--quick",
            "--port",
            "0",
            "--steady",
            "5m",
            "--agent",
            System.getProperty("poolscope.agent.jar"));
    try {
      Poll.until(
          "the demo's fleet to report",
          Duration.ofSeconds(120),
          Duration.ofMillis(250),
          () -> {
            if (!demo.isAlive()) {
              throw new Poll.Abort("the demo exited:\n" + Files.readString(output));
            }
            return Files.readString(output);
          },
          out -> out.contains("reporting through the agent"));
      // The pods are the demo's children; pg_ctl detaches the postmaster, so its pid is read from
      // the demo's timeline.
      List<ProcessHandle> children = new ArrayList<>(demo.descendants().toList());
      assertThat(children).hasSizeGreaterThanOrEqualTo(3);
      Matcher postmaster =
          Pattern.compile("PostgreSQL \\(pid (\\d+)\\)").matcher(Files.readString(output));
      assertThat(postmaster.find()).as("postmaster pid printed").isTrue();
      ProcessHandle postgres = ProcessHandle.of(Long.parseLong(postmaster.group(1))).orElseThrow();
      children.add(postgres);
      assertThat(workDirectories(workRoot)).hasSize(1);

      demo.destroy(); // SIGTERM: runs the shutdown hook, as Ctrl-C does

      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo exited").isTrue();
      Poll.until(
          "every process the demo started to exit",
          Duration.ofSeconds(30),
          Duration.ofMillis(100),
          () -> children.stream().filter(ProcessHandle::isAlive).toList(),
          List::isEmpty);
      assertThat(workDirectories(workRoot)).isEmpty();
      assertThat(Files.readString(output)).contains("Demo stopped");
    } finally {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void onceStoppedTheDemoLeavesNoThreadKeepingTheJvmAlive() throws Exception {
    Path output = tmp.resolve("start-stop.out");
    Process main =
        java(
            output,
            "-cp",
            System.getProperty("java.class.path"),
            StartStopMain.class.getName(),
            "--quick",
            "--port",
            "0",
            "--no-input",
            "--agent",
            System.getProperty("poolscope.agent.jar"));
    try {
      Poll.until(
          "the demo to start and stop",
          Duration.ofSeconds(150),
          Duration.ofMillis(250),
          () -> {
            if (!main.isAlive() && !Files.readString(output).contains("StartStopMain: closed")) {
              throw new Poll.Abort("the demo exited early:\n" + Files.readString(output));
            }
            return Files.readString(output);
          },
          out -> out.contains("StartStopMain: closed"));
      // main has returned with a dashboard's event stream still open: nothing may keep the JVM.
      // The main's report names any thread still alive after 10 s.
      boolean exited = main.waitFor(15, TimeUnit.SECONDS);
      assertThat(exited).as(Files.readString(output)).isTrue();
      assertThat(main.exitValue()).isEqualTo(0);
      assertThat(Files.readString(output))
          .contains("StartStopMain: event stream 200")
          .doesNotContain("still running");
    } finally {
      main.descendants().forEach(ProcessHandle::destroyForcibly);
      main.destroyForcibly();
    }
  }

  /** A JVM of this test's Java with {@code args}, its output (and errors) to {@code output}. */
  private static Process java(Path output, String... args) throws java.io.IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }

  private static List<Path> workDirectories(Path root) throws Exception {
    try (Stream<Path> entries = Files.list(root)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("poolscope-demo-")).toList();
    }
  }
}
