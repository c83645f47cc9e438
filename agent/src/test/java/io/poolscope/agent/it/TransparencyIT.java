package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same program ({@code io.poolscope.testapp.TransparencyApp}) against the same pool, once with
 * the agent and once without: the transcripts of return values, exception types, messages,
 * SQLStates and interrupt status must be identical. Only durations inside messages ("timed out
 * after 301ms", "PT0.2999S") and identity hash codes ("BasicDataSource@5aa9e4eb") are normalized,
 * since they differ between any two runs.
 */
class TransparencyIT {

  @ParameterizedTest(name = "{0}")
  @CsvSource({"hikari,hikari-newest", "dbcp2,dbcp2-newest"})
  void poolBehavesExactlyAsWithoutTheAgent(String pool, String lib) throws Exception {
    try (OtlpReceiver r = new OtlpReceiver()) {
      List<String> without = transcript(pool, lib, null);
      List<String> with =
          transcript(pool, lib, "endpoint=" + r.endpoint() + ",interval=100ms,leakThreshold=1s");
      // The scenario really reached the edges it claims to test.
      String all = String.join("\n", without);
      assertThat(all)
          .contains("T timeout while the only connection is held: threw ")
          .contains("T interrupted wait: threw ")
          .contains("T getConnection on a closed pool: threw ")
          .contains("T bad SQL: threw org.h2.jdbc.JdbcSQLSyntaxErrorException")
          .contains("T driver refuses the password: threw ")
          .contains("T end");
      assertThat(with).containsExactlyElementsOf(without);
      // And the agent was really there, watching the same pool.
      Await.until(() -> !r.metrics.isEmpty(), 30, "an export from the agent");
    }
  }

  /** Runs the app and returns its normalized {@code T} lines. */
  static List<String> transcript(String pool, String lib, String agentArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(ChildJvm.JDK17, "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xmx256m");
    if (agentArgs != null) {
      cmd.add("-javaagent:" + System.getProperty("poolscope.agentJar") + "=" + agentArgs);
    }
    cmd.add("-Dcom.mchange.v2.log.MLog=com.mchange.v2.log.FallbackMLog");
    cmd.add("-cp");
    cmd.add(ChildJvm.classPath(List.of(lib)));
    cmd.add("io.poolscope.testapp.TransparencyApp");
    cmd.add(pool);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("POOLSCOPE_") || k.startsWith("OTEL_"));
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("TransparencyApp did not finish: " + cmd);
      }
    } catch (IOException e) {
      throw new AssertionError("TransparencyApp output unreadable: " + cmd, e);
    } finally {
      p.destroyForcibly();
    }
    List<String> lines = new ArrayList<>();
    for (String l : new String(out, StandardCharsets.UTF_8).split("\n")) {
      if (l.startsWith("T ")) {
        // Durations and identity hash codes differ between any two runs, agent or not.
        lines.add(
            l.replaceAll("\\d+ ?ms", "Nms")
                .replaceAll("PT[0-9.]+S", "PTnS")
                .replaceAll("@[0-9a-f]+", "@hash"));
      }
    }
    assertThat(lines).as("transcript of " + cmd).isNotEmpty();
    return lines;
  }
}
