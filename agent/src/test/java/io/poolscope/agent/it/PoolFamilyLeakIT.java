package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The "second pool" leak: a job builds a new HikariCP pool every run and leaks one connection per
 * run from the same line, with the default call-site sampling (the leak threshold is shortened, the
 * sampling is not set). The first run's leak has no borrower call site: its borrow was not the
 * thread's first and not one in 1024. That leak opens the capture window of the pool's family (pool
 * type and database), so every later run's pool, a new instance created after it, captures from its
 * first borrow and its leak carries the call site.
 */
class PoolFamilyLeakIT {
  private static final int RUNS = 3;

  @Test
  void laterRunsOfAPoolBuiltPerRunCarryTheLeakingLine() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms,leakThreshold=1s")
                .app("pool=hikari", "scenario=perRunPools", "runs=" + RUNS)
                .lib("hikari-newest")
                .start()) {
      child.awaitStdout("RAN 1");
      // The next pool is built only once the first leak was reported (suspected, or collected
      // if the dropped connection went first).
      Await.until(
          () -> !leaks(r.telemetry(), "job-run-1").isEmpty(),
          60,
          () -> "a leak of run 1 in " + r.telemetry().logRecords() + child);
      for (int run = 2; run <= RUNS; run++) {
        child.send("next");
        child.awaitStdout("RAN " + run);
      }
      Await.until(
          () -> {
            Telemetry t = r.telemetry();
            for (int run = 2; run <= RUNS; run++) {
              if (leaks(t, "job-run-" + run).isEmpty()) {
                return false;
              }
            }
            return true;
          },
          60,
          () -> "leaks of every run in " + r.telemetry().logRecords() + child);
      child.send("quit");
      assertThat(child.finish()).containsEntry("runs", Integer.toString(RUNS));
      Telemetry t = r.telemetry();

      List<Map<String, String>> first = leaks(t, "job-run-1");
      assertThat(first).isNotEmpty();
      for (Map<String, String> e : first) {
        assertThat(e).containsEntry("db.system.name", "h2").doesNotContainKey("code.stacktrace");
      }
      String site = LeakContract.site("leakOnErrorPath", "leak:perrun");
      for (int run = 2; run <= RUNS; run++) {
        List<Map<String, String>> later = leaks(t, "job-run-" + run);
        assertThat(later).as("leak events of run %d", run).isNotEmpty();
        for (Map<String, String> e : later) {
          assertThat(e.get("code.stacktrace")).as("run %d: %s", run, e).startsWith(site);
        }
      }
    }
  }

  private static List<Map<String, String>> leaks(Telemetry t, String pool) {
    List<Map<String, String>> out = new ArrayList<>(t.leakEvents("suspected", pool));
    out.addAll(t.leakEvents("collected", pool));
    return out;
  }
}
