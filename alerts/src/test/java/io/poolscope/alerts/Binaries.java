package io.poolscope.alerts;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real external programs the tests use. A missing one fails the test: CI installs them. */
final class Binaries {
  private Binaries() {}

  /** Finds {@code name} on PATH (or /usr/bin), failing with the Debian package to install. */
  static Path require(String name, String debianPackage) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(
        name + " is not installed: apt-get install " + debianPackage + " (CI installs it)");
  }

  /** Exit code and combined output of a command run to completion. */
  record Result(int exitCode, String output) {}

  static Result run(List<String> command, Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
