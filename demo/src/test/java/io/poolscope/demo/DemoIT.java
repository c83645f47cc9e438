package io.poolscope.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolscope.demo.internal.AlertWatcher;
import io.poolscope.demo.internal.CollectorClient;
import io.poolscope.demo.internal.Poll;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's story, shortened to seconds ({@link DemoSettings#quick()}: 2 payments pods, 1 jobs
 * pod, agents exporting every second), with the real agent jar attached to every pod and the real
 * collector, checked through the collector's HTTP API as the dashboard would see it. The test
 * advances the phases itself once it has seen what each phase must show, so a slow machine makes it
 * slower, not flaky.
 */
class DemoIT {
  /** The rules the incident must fire (the defaults, time compressed), then resolve. */
  private static final Set<String> EXPECTED_ALERTS =
      Set.of(
          "PoolscopeBudgetHigh",
          "PoolscopeConnectionLeak",
          "PoolscopeConnectionRefused",
          "PoolscopeAcquireWaitHigh",
          "PoolscopePlannedOverUsable",
          "PoolscopePoolChurn");

  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(250);

  @TempDir Path workRoot;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void incidentIsSeenThroughTheCollectorAndResolvesAfterRollback() throws Exception {
    DemoSettings settings =
        DemoSettings.quick().toBuilder()
            .port(0)
            // Safety nets only: the test advances each phase once it has seen it.
            .timers(Duration.ofMinutes(3), Duration.ofMinutes(3))
            .workRoot(workRoot)
            .build();
    assertThat(settings.agentJar())
        .as("the real agent jar, built by the agent module")
        .isRegularFile();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Demo demo = new Demo(settings, new PrintStream(tee(printed), true, StandardCharsets.UTF_8));
    CompletableFuture<Void> run =
        CompletableFuture.runAsync(
            () -> {
              try {
                demo.run();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      awaitPhase(demo, run, Demo.Phase.STEADY);
      CollectorClient api = new CollectorClient(demo.collectorUrl());
      String db = demo.databaseId();

      // Steady: the budget the agents report is what PostgreSQL itself counts.
      JsonNode steady =
          Poll.until(
              "open connections to match pg_stat_activity, with no alert active",
              PHASE_TIMEOUT,
              POLL,
              () -> {
                // One response, so the fleet's figures and the probe's come from one snapshot.
                JsonNode detail = api.databaseDetail(db);
                JsonNode database = detail.path("database");
                int postgresCount = demo.database().servicesConnections();
                return database.path("open").asInt(-1) == postgresCount
                        && postgresCount >= 10
                        && probeCountsForPods(detail) == postgresCount
                        && api.alerts().path("active").isEmpty()
                    ? database
                    : null;
              },
              database -> database != null);
      assertThat(steady.path("maxConnections").asInt()).isEqualTo(30);
      assertThat(steady.path("usable").asInt()).isEqualTo(27);
      assertThat(steady.path("limitSource").asText()).isEqualTo("probe");
      assertThat(steady.path("utilization").asDouble()).isLessThan(0.8);
      assertThat(steady.path("actual").asInt()).isGreaterThanOrEqualTo(steady.path("open").asInt());

      long rolloutAt = System.currentTimeMillis();
      demo.advance();
      awaitPhase(demo, run, Demo.Phase.INCIDENT);

      // The incident: budget past 80%, a second pool per v2 pod, the leak at the job's line.
      Poll.until(
          "budget utilization above 80%",
          PHASE_TIMEOUT,
          POLL,
          () -> api.database(db).path("utilization").asDouble(),
          utilization -> utilization > 0.8);
      JsonNode pods = api.service("payments").path("pods");
      assertThat(pods).anySatisfy(pod -> assertThat(pod.path("pools").size()).isGreaterThan(1));
      String expectedFrame =
          "io.poolscope.demo.app.ReconciliationJob.runOnce(" + leakCallSite() + ")";
      JsonNode leak =
          Poll.until(
              "a leak reported at " + expectedFrame,
              PHASE_TIMEOUT,
              POLL,
              () -> {
                for (JsonNode event : api.leaks(db, 1000)) {
                  if (AlertWatcher.firstFrame(event.path("callSite").asText())
                      .equals(expectedFrame)) {
                    return event;
                  }
                }
                return null;
              },
              event -> event != null);
      assertThat(leak.path("service").asText()).isEqualTo("payments");
      assertThat(leak.path("state").asText()).isIn("suspected", "collected");
      assertThat(leak.path("pod").asText()).startsWith("payments-v2-");

      // Waits above 100 ms and failed borrows in the job's pools once the database is full.
      Poll.until(
          "a v2 job pool with wait p99 above 100 ms and a failed borrow",
          PHASE_TIMEOUT,
          POLL,
          () -> {
            for (JsonNode pod : api.service("payments").path("pods")) {
              for (JsonNode pool : pod.path("pools")) {
                if (pod.path("podName").asText().startsWith("payments-v2-")
                    && !pool.path("name").asText().equals("payments-main")
                    && pool.path("waitP99").asDouble() > 0.1
                    && pool.path("timeouts").asLong() > 0) {
                  return true;
                }
              }
            }
            return false;
          },
          found -> found);

      Set<String> fired = new TreeSet<>();
      Poll.until(
          "alerts " + EXPECTED_ALERTS + " to fire",
          PHASE_TIMEOUT,
          POLL,
          () -> {
            // Only what the incident fired: a cold start may have fired something before.
            for (JsonNode active : api.alerts().path("active")) {
              if ("firing".equals(active.path("state").asText())
                  && active.path("firedAt").asLong() >= rolloutAt) {
                fired.add(active.path("rule").asText());
              }
            }
            for (JsonNode event : api.alerts().path("history")) {
              if ("firing".equals(event.path("event").asText())
                  && event.path("time").asLong() >= rolloutAt) {
                fired.add(event.path("rule").asText());
              }
            }
            return fired;
          },
          seen -> seen.containsAll(EXPECTED_ALERTS));
      JsonNode refused =
          Poll.until(
              "a refusal alert with SQLState 53300",
              PHASE_TIMEOUT,
              POLL,
              () -> api.alerts().path("history"),
              history -> {
                for (JsonNode h : history) {
                  if ("PoolscopeConnectionRefused".equals(h.path("rule").asText())
                      && "53300".equals(h.path("labels").path("error_type").asText())) {
                    return true;
                  }
                }
                return false;
              });
      assertThat(refused).isNotEmpty();

      // Delivered to the log notifier, as the collector's history and the log itself say. The
      // delivery runs after the firing, so the last alert seen firing above may still be on its
      // way to the log.
      Path notificationsLog = demo.workDirectory().resolve("collector/notifications.log");
      Poll.until(
          "a delivery to the log notifier, and PoolscopeBudgetHigh in its log",
          PHASE_TIMEOUT,
          POLL,
          () -> {
            for (JsonNode h : api.alerts().path("history")) {
              for (JsonNode d : h.path("deliveries")) {
                if ("log".equals(d.path("target").asText())
                    && "delivered".equals(d.path("status").asText())) {
                  return Files.readString(notificationsLog).contains("PoolscopeBudgetHigh");
                }
              }
            }
            return false;
          },
          delivered -> delivered);
      assertThat(api.alerts().path("history"))
          .anySatisfy(
              h ->
                  assertThat(h.path("deliveries"))
                      .anySatisfy(
                          d -> {
                            assertThat(d.path("target").asText()).isEqualTo("log");
                            assertThat(d.path("status").asText()).isEqualTo("delivered");
                          }));
      assertThat(notificationsLog).content().contains("PoolscopeBudgetHigh");
      // Grouped by database and service: the service's notification names the service, every
      // rule it carries and the leaking call site.
      Poll.until(
          "the payments group's notification with the leak's call site",
          PHASE_TIMEOUT,
          POLL,
          () -> Files.readAllLines(notificationsLog),
          lines ->
              lines.stream()
                  .anyMatch(
                      l ->
                          l.contains("service=payments}")
                              && l.contains(
                                  "firing PoolscopeConnectionLeak \"Connection leak in"
                                      + " payments pool")
                              && l.contains("ReconciliationJob.runOnce(ReconciliationJob.java:")));

      demo.advance();
      awaitPhase(demo, run, Demo.Phase.RESOLVED, PHASE_TIMEOUT.multipliedBy(2));

      // Rollback: every alert resolved, the budget back where it was and matching PostgreSQL.
      // The demo keeps running in the resolved state until it is stopped.
      assertThat(run).isNotDone();
      JsonNode after = api.alerts();
      assertThat(after.path("active")).isEmpty();
      Set<String> resolved = new TreeSet<>();
      after
          .path("history")
          .forEach(
              h -> {
                if ("resolved".equals(h.path("event").asText())) {
                  resolved.add(h.path("rule").asText());
                }
              });
      assertThat(resolved).containsAll(EXPECTED_ALERTS);
      Poll.until(
          "open connections to match pg_stat_activity again",
          PHASE_TIMEOUT,
          POLL,
          () -> api.database(db).path("open").asInt(-1) == demo.database().servicesConnections(),
          same -> same);
      assertThat(api.database(db).path("utilization").asDouble()).isLessThan(0.8);
      assertThat(new String(printed.toByteArray(), StandardCharsets.UTF_8))
          .contains("Poolscope dashboard: " + demo.collectorUrl() + "/")
          .contains("FIRING   PoolscopeBudgetHigh")
          .contains("RESOLVED PoolscopeBudgetHigh");
    } finally {
      demo.close();
    }
    // Stopping it ends run(), as Ctrl-C ends ./poolscope demo.
    run.get(30, TimeUnit.SECONDS);

    // Nothing left behind: every pod and PostgreSQL gone, temporary files removed.
    List<Long> pids = demo.childPids();
    assertThat(pids)
        .hasSizeGreaterThanOrEqualTo(settings.paymentsPods() * 3 + settings.jobsPods() + 1);
    Poll.until(
        "every child process to exit",
        Duration.ofSeconds(30),
        POLL,
        () ->
            pids.stream()
                .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .toList(),
        List::isEmpty);
    assertThat(demo.workDirectory()).doesNotExist();
  }

  private static void awaitPhase(Demo demo, CompletableFuture<Void> run, Demo.Phase phase)
      throws InterruptedException {
    awaitPhase(demo, run, phase, PHASE_TIMEOUT);
  }

  private static void awaitPhase(
      Demo demo, CompletableFuture<Void> run, Demo.Phase phase, Duration timeout)
      throws InterruptedException {
    Poll.until(
        "the demo to reach " + phase,
        timeout,
        POLL,
        () -> {
          if (run.isCompletedExceptionally()) {
            try {
              run.join();
            } catch (RuntimeException e) {
              throw new Poll.Abort("the demo failed before " + phase, e);
            }
          }
          return demo.phase();
        },
        current -> current == phase);
  }

  /** Pod connections in the probe's own view: pg_stat_activity grouped by application_name. */
  private static int probeCountsForPods(JsonNode databaseDetail) {
    int count = 0;
    for (JsonNode client : databaseDetail.path("clients")) {
      String application = client.path("applicationName").asText();
      if (application.startsWith("payments-") || application.startsWith("jobs-")) {
        count += client.path("count").asInt();
      }
    }
    return count;
  }

  /** {@code ReconciliationJob.java:N}, N being the line marked as the leak's call site. */
  private static String leakCallSite() throws Exception {
    Path source =
        Path.of(System.getProperty("poolscope.demo.sources", "src/main/java"))
            .resolve("io/poolscope/demo/app/ReconciliationJob.java");
    List<String> lines = Files.readAllLines(source);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("LEAK-CALL-SITE")) {
        return "ReconciliationJob.java:" + (i + 1);
      }
    }
    throw new AssertionError("no LEAK-CALL-SITE marker in " + source);
  }

  private static OutputStream tee(ByteArrayOutputStream copy) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        copy.write(b);
        System.out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        copy.write(b, off, len);
        System.out.write(b, off, len);
      }
    };
  }
}
