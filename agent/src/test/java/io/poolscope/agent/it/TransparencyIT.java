package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.poolscope.agent.it.Telemetry.Point;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same program ({@code io.poolscope.testapp.TransparencyApp}) against the same pool, once with
 * the agent and once without: the transcripts of return values, exception types, messages,
 * SQLStates and interrupt status must be identical. Every supported pool at its oldest claimed
 * version on JDK 17 and its newest on JDK 25 (as PoolContract runs them), plus DriverManager and a
 * driver's own data source without a pool.
 *
 * <p>After the run with the agent, its export must still be sane: no negative figure, nothing left
 * used or pending in any pool, exactly the getConnection calls and failures the application made,
 * the refused password counted, and as many physical connections open as the database still has
 * sessions.
 *
 * <p>The runs take a few seconds each, mostly waiting (borrow timeouts of 1 s, settling pauses), so
 * a few pools run at a time.
 */
class TransparencyIT {
  /** Child JVMs at a time: most of a run is waiting for borrow timeouts and pool threads. */
  private static final int PARALLEL = 4;

  private static final Pattern CALLS = Pattern.compile("F calls=(\\d+) failed=(\\d+)");
  private static final Pattern LEFT = Pattern.compile("F sessionsLeft=(\\d+)");

  @TempDir Path dir;

  /** One pool (or none) at one version on one JDK, and the name the agent gives its main pool. */
  private static final class Case {
    final String kind;
    final String lib;
    final String jdk;
    final String pool;

    Case(String kind, String lib, String jdk, String pool) {
      this.kind = kind;
      this.lib = lib;
      this.jdk = jdk;
      this.pool = pool;
    }

    boolean pooled() {
      return !kind.equals("drivermanager") && !kind.equals("driverds");
    }

    @Override
    public String toString() {
      return lib + " on JDK " + (jdk.equals(ChildJvm.JDK25) ? "25" : "17");
    }
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    String[][] pools = {
      {"hikari", "transparency-pool"},
      {"dbcp2", "BasicDataSource-1"},
      {"c3p0", "transparency-pool"},
      {"tomcat", "transparency-pool"},
      {"h2", "JdbcConnectionPool-1"},
      {"vibur", "transparency-pool"},
      {"agroal", "DataSource-1"},
      {"ucp", "transparency-pool"},
    };
    for (String[] p : pools) {
      out.add(new Case(p[0], p[0] + "-oldest", ChildJvm.JDK17, p[1]));
      out.add(new Case(p[0], p[0] + "-newest", ChildJvm.JDK25, p[1]));
    }
    // Without a pool, on the common (newest) H2.
    out.add(new Case("drivermanager", "drivermanager", ChildJvm.JDK17, "DriverManager"));
    out.add(new Case("driverds", "driverds", ChildJvm.JDK17, "JdbcDataSource"));
    return out;
  }

  /** What one child JVM printed. */
  private static final class Run {
    final List<String> stdout;
    final String stderr;

    Run(List<String> stdout, String stderr) {
      this.stdout = stdout;
      this.stderr = stderr;
    }

    String fact(Pattern p, int group) {
      for (String l : stdout) {
        Matcher m = p.matcher(l);
        if (m.matches()) {
          return m.group(group);
        }
      }
      throw new AssertionError("no " + p + " in " + stdout);
    }
  }

  /** Both runs of a case and what the agent exported in the second. */
  private static final class Runs {
    final Run without;
    final Run with;
    final Telemetry telemetry;

    Runs(Run without, Run with, Telemetry telemetry) {
      this.without = without;
      this.with = with;
      this.telemetry = telemetry;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyPoolBehavesExactlyAsWithoutTheAgent() {
    ExecutorService runner = Executors.newFixedThreadPool(PARALLEL);
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) {
      Future<Runs> runs = runner.submit(() -> runBoth(c));
      tests.add(dynamicTest(c.toString(), () -> check(c, runs.get(10, TimeUnit.MINUTES))));
    }
    runner.shutdown();
    return tests.stream();
  }

  private Runs runBoth(Case c) throws Exception {
    try (OtlpReceiver r = new OtlpReceiver()) {
      Run without = run(c, null);
      Run with = run(c, "endpoint=" + r.endpoint() + ",interval=100ms,leakThreshold=1s");
      // The agent's last export is sent from a shutdown hook before the JVM exits.
      return new Runs(without, with, r.telemetry());
    }
  }

  private static void check(Case c, Runs runs) {
    List<String> without = transcript(runs.without);
    List<String> with = transcript(runs.with);
    // The scenario really reached the edges it claims to test.
    assertThat(without)
        .anyMatch(l -> l.startsWith("T bad SQL: threw org.h2.jdbc.JdbcSQLSyntaxErrorException"))
        .anyMatch(l -> l.startsWith("T duplicate key: threw "))
        .anyMatch(l -> l.startsWith("T driver refuses the password: threw "))
        .anyMatch(l -> l.startsWith("T close from another thread: returned true"))
        .endsWith("T end");
    if (c.pooled()) {
      assertThat(without)
          .anyMatch(l -> l.startsWith("T timeout while the only connection is held: threw "));
    }
    assertThat(with)
        .as("with the agent (stderr:\n%s)", runs.with.stderr)
        .containsExactlyElementsOf(without);
    figuresAreSane(c, runs);
  }

  /** The agent's export after the edge cases: nothing negative, nothing left over, exact counts. */
  private static void figuresAreSane(Case c, Runs runs) {
    Telemetry t = runs.telemetry;
    assertThat(t.metricRequests).as("exports from the agent").isNotEmpty();
    for (String metric :
        List.of(
            "db.client.connection.count",
            "db.client.connection.pending_requests",
            "db.client.connection.timeouts",
            "poolscope.connection.open",
            "poolscope.connection.leaks",
            "poolscope.pool.created",
            "poolscope.pool.closed")) {
      assertThat(t.all(metric))
          .allSatisfy(p -> assertThat(p.value).as(metric + " " + p).isGreaterThanOrEqualTo(0));
    }
    Set<String> pools =
        t.all("db.client.connection.count").stream()
            .map(p -> p.attr("db.client.connection.pool.name"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(pools).contains(c.pool);
    for (String pool : pools) {
      Map<String, String> used =
          Map.of("db.client.connection.pool.name", pool, "db.client.connection.state", "used");
      assertThat(t.last("db.client.connection.count", used).orElseThrow().value)
          .as("connections left used in " + pool)
          .isEqualTo(0);
      assertThat(
              t.last(
                      "db.client.connection.pending_requests",
                      Map.of("db.client.connection.pool.name", pool))
                  .orElseThrow()
                  .value)
          .as("requests left pending in " + pool)
          .isEqualTo(0);
    }

    int calls = Integer.parseInt(runs.with.fact(CALLS, 1));
    int failed = Integer.parseInt(runs.with.fact(CALLS, 2));
    Map<String, String> main = Map.of("db.client.connection.pool.name", c.pool);
    Map<String, String> driverManager = Map.of("db.client.connection.pool.name", "DriverManager");
    if (c.pooled()) {
      assertThat(t.histogramCount("db.client.connection.wait_time", main)).isEqualTo(calls);
      assertThat(t.last("db.client.connection.timeouts", main).orElseThrow().value)
          .isEqualTo(failed);
      assertThat(t.histogramCount("db.client.connection.use_time", main)).isEqualTo(calls - failed);
      // The session probe is one connection of its own through DriverManager.
      assertThat(t.histogramCount("db.client.connection.use_time", driverManager)).isEqualTo(1);
    } else {
      // Without a pool every successful open is a lease; a refused one is no lease at all.
      int ownOpens = calls - failed + (c.kind.equals("drivermanager") ? 1 : 0);
      assertThat(t.histogramCount("db.client.connection.use_time", main)).isEqualTo(ownOpens);
      assertThat(t.last("db.client.connection.timeouts", main).orElseThrow().value).isEqualTo(0);
    }
    assertThat(
            t.last(
                    "poolscope.connection.refused",
                    Map.of("db.namespace", "transparency", "error.type", "28000"))
                .orElseThrow(() -> new AssertionError(t.all("poolscope.connection.refused")))
                .value)
        .as("opens refused for the wrong password")
        .isGreaterThanOrEqualTo(1);
    Point open =
        t.last("poolscope.connection.open", Map.of("db.namespace", "transparency")).orElseThrow();
    assertThat(open.value)
        .as("physical connections open at exit, against the database's own sessions")
        .isEqualTo(Integer.parseInt(runs.with.fact(LEFT, 1)));
  }

  /** The normalized {@code T} lines. */
  static List<String> transcript(Run run) {
    List<String> lines = new ArrayList<>();
    for (String l : run.stdout) {
      if (l.startsWith("T ")) {
        // Durations and identity hash codes differ between any two runs, agent or not.
        String n =
            l.replaceAll("\\d+(\\.\\d+)? ?ms", "Nms")
                // Tomcat's exhausted-pool message names its measured wait: 999 or 1000.
                .replaceAll("lastwait:\\d+", "lastwait:N")
                .replaceAll("PT[0-9.]+S", "PTnS")
                .replaceAll("@[0-9a-f]+", "@hash")
                // c3p0's identity token is a random per-JVM id and an identity hash code.
                .replaceAll("identityToken -> [^,\\]]+", "identityToken -> (token)")
                // c3p0 reports use of a closed connection through its own NullPointerException,
                // whose
                // helpful message names whichever of its fields a race inside c3p0 left null (seen
                // without the agent: 3 runs in 8 name parentPooledConnection, the others inner).
                .replaceAll(
                    "java\\.lang\\.NullPointerException: Cannot invoke \"[^\"]*\" because \"[^\"]*\""
                        + " is null",
                    "java.lang.NullPointerException: (a c3p0 field is null)");
        lines.add(n);
      }
    }
    assertThat(lines).as("transcript; stderr:\n" + run.stderr).isNotEmpty();
    return lines;
  }

  /** Runs the app for one case, with the agent when agentArgs is not null. */
  private Run run(Case c, String agentArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(c.jdk, "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC"); // fewer threads and less CPU for many small JVMs at a time
    if (agentArgs != null) {
      cmd.add("-javaagent:" + System.getProperty("poolscope.agentJar") + "=" + agentArgs);
    }
    cmd.add("-cp");
    cmd.add(ChildJvm.classPath(List.of(c.lib)));
    cmd.add("io.poolscope.testapp.TransparencyApp");
    cmd.add(c.kind);
    Path err = Files.createTempFile(dir, c.lib, ".err");
    // In the temporary directory: H2's data source writes a trace file where it runs.
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("POOLSCOPE_") || k.startsWith("OTEL_"));
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    long start = System.nanoTime();
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
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    System.out.printf(
        "TransparencyIT %s %s the agent: %.1f s%n",
        c, agentArgs == null ? "without" : "with", (System.nanoTime() - start) / 1e9);
    return new Run(List.of(new String(out, StandardCharsets.UTF_8).split("\n")), stderr);
  }
}
