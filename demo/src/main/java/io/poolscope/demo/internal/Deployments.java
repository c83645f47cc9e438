package io.poolscope.demo.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolscope.demo.DemoSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Deployment controller would do to the simulated services: start the healthy fleet, roll
 * payments out to v2 and back to v1. A pod counts as up once the collector has its report, the same
 * readiness a person watching the dashboard would use.
 */
public final class Deployments {
  private static final Duration POD_START_TIMEOUT = Duration.ofSeconds(90);

  private final DemoSettings settings;
  private final Fleet fleet;
  private final CollectorClient client;
  private final Timeline timeline;

  /**
   * Deployments of one fleet.
   *
   * @param settings pod counts and rollout pacing
   * @param fleet starts and stops pods
   * @param client the collector, to see pods report
   * @param timeline where each step is noted
   */
  public Deployments(
      DemoSettings settings, Fleet fleet, CollectorClient client, Timeline timeline) {
    this.settings = settings;
    this.fleet = fleet;
    this.client = client;
    this.timeline = timeline;
  }

  /**
   * Starts payments v1 and jobs, all at once, and waits until every pod reports.
   *
   * @throws IOException when a JVM cannot be started
   * @throws InterruptedException when interrupted while waiting
   */
  public void startHealthyFleet() throws IOException, InterruptedException {
    List<Fleet.Pod> started = new ArrayList<>();
    for (int i = 0; i < settings.paymentsPods(); i++) {
      started.add(fleet.startPayments(1));
    }
    for (int i = 0; i < settings.jobsPods(); i++) {
      started.add(fleet.startJobs());
    }
    for (Fleet.Pod pod : started) {
      awaitReporting(pod);
    }
    timeline.note(
        "fleet",
        settings.paymentsPods()
            + " payments v1 pods (HikariCP, pool of "
            + settings.paymentsPoolSize()
            + ") and "
            + settings.jobsPods()
            + " jobs pod(s) (DBCP2) reporting through the agent");
  }

  /**
   * Rolls payments out to v2 like a Deployment with {@code maxSurge}: start a batch of v2 pods,
   * wait until they report, stop as many v1 pods; repeat.
   *
   * @throws IOException when a JVM cannot be started
   * @throws InterruptedException when interrupted while waiting
   */
  public void rollout() throws IOException, InterruptedException {
    timeline.note("deploy", "rolling out payments v2 (ships a background reconciliation job)");
    List<Fleet.Pod> old = fleet.pods(Fleet.PAYMENTS);
    for (int first = 0; first < old.size(); first += settings.rolloutSurge()) {
      List<Fleet.Pod> batch =
          old.subList(first, Math.min(old.size(), first + settings.rolloutSurge()));
      List<Fleet.Pod> next = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        next.add(fleet.startPayments(2));
      }
      for (Fleet.Pod pod : next) {
        awaitReporting(pod);
      }
      for (int i = 0; i < batch.size(); i++) {
        fleet.stop(batch.get(i));
        timeline.note("deploy", next.get(i).name() + " up, " + batch.get(i).name() + " stopped");
      }
      if (!settings.rolloutStep().isZero()) {
        Thread.sleep(settings.rolloutStep().toMillis()); // pacing, not synchronisation
      }
    }
  }

  /**
   * Rolls payments back to v1. Each v2 pod is stopped before its replacement starts (no surge): the
   * database is full, and only the v2 pods' exit frees the slots v1 needs.
   *
   * @throws IOException when a JVM cannot be started
   * @throws InterruptedException when interrupted while waiting
   */
  public void rollback() throws IOException, InterruptedException {
    timeline.note("deploy", "rollback: payments back to v1");
    List<Fleet.Pod> replacements = new ArrayList<>();
    for (Fleet.Pod bad : fleet.pods(Fleet.PAYMENTS)) {
      fleet.stop(bad);
      replacements.add(fleet.startPayments(1));
    }
    timeline.note("deploy", "payments v2 pods stopped, their connections closed");
    for (Fleet.Pod pod : replacements) {
      awaitReporting(pod);
    }
    timeline.note("deploy", "payments v1 restored: " + replacements.size() + " pods reporting");
  }

  private void awaitReporting(Fleet.Pod pod) throws InterruptedException {
    Poll.until(
        pod.name() + " to report to the collector (log: " + pod.process().log() + ")",
        POD_START_TIMEOUT,
        Duration.ofMillis(200),
        () -> {
          if (!pod.process().process().isAlive()) {
            throw new Poll.Abort(pod.name() + " exited:\n" + lastLines(pod.process().log()));
          }
          for (JsonNode reported : client.service(pod.service()).path("pods")) {
            if (pod.name().equals(reported.path("podName").asText())
                && !reported.path("stale").asBoolean()) {
              return true;
            }
          }
          return false;
        },
        reported -> reported);
  }

  private static String lastLines(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
