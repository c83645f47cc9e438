package io.poolscope.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.collector.internal.plan.Manifests;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java ... Collector plan} in a child JVM, as a CI job runs it: the exit status is the
 * verdict, the plan alone is on standard output, a bad manifest is one line on standard error.
 */
class PlanMainTest {
  @TempDir Path dir;

  record Result(int status, String out, String err) {}

  static Result plan(String stdin, String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java.toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Collector.class.getName(),
                "plan"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("plan finished").isTrue();
    return new Result(
        p.exitValue(),
        new String(out.get(), StandardCharsets.UTF_8),
        new String(err.get(), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void incidentFromStdinExits1WithThePlanOnStdout() throws Exception {
    Result r = plan(Manifests.INCIDENT, "--limit", "pg.prod:5432=500-3", "-");

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("poolscope plan: does NOT fit")
        .contains("800 connections at the rollout peak > 497 usable");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void fixedManifestsExit0AndBadOnesExit2WithOneLine() throws Exception {
    Path fixed = Files.writeString(dir.resolve("fixed.yaml"), Manifests.FIXED);
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "kind: Deployment\nspec: {replicas: 2\n");

    Result ok = plan("", "--limit", "pg.prod:5432=500-3", fixed.toString());
    assertThat(ok.status()).as(ok.err()).isEqualTo(0);
    assertThat(ok.out()).startsWith("poolscope plan: fits");

    Result broken = plan("", "--limit", "pg.prod:5432=500-3", bad.toString());
    assertThat(broken.status()).isEqualTo(2);
    assertThat(broken.out()).isEmpty();
    assertThat(broken.err().lines().toList())
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .isEqualTo(
                        "poolscope plan: "
                            + bad
                            + ":2: not valid YAML: while parsing a flow mapping; expected ',' or"
                            + " '}', but got <stream end>"));
  }
}
