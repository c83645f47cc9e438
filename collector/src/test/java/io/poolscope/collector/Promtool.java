package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics} over an exposition, where Prometheus's promtool is installed. */
final class Promtool {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private Promtool() {}

  /** Asserts that promtool accepts {@code text} (lint warnings included); a no-op without it. */
  static void checkMetrics(Path dir, String text) throws IOException, InterruptedException {
    if (!Files.isExecutable(PROMTOOL)) {
      return;
    }
    Path file = Files.createTempFile(dir, "metrics", ".txt");
    Files.writeString(file, text);
    Process p =
        new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(0);
  }
}
