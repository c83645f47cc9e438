package io.poolscope.demo.internal;

import io.poolscope.demo.DemoSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The simulated services: starts each pod as its own JVM with the Poolscope agent attached on the
 * command line (never on the classpath), the way a Kubernetes pod would attach it, and stops pods
 * the way a rollout does.
 */
public final class Fleet {
  /** The service whose v2 causes the incident. */
  public static final String PAYMENTS = "payments";

  /** The healthy second service, with another pool type. */
  public static final String JOBS = "jobs";

  /** A running pod. */
  public record Pod(String service, String name, int version, ChildProcesses.Child process) {}

  private final DemoSettings settings;
  private final ChildProcesses processes;
  private final DemoDatabase database;
  private final String collectorEndpoint;
  private final Path logDirectory;
  private final List<Pod> pods = new CopyOnWriteArrayList<>();
  private int started;

  /**
   * A fleet with no pods yet.
   *
   * @param settings sizes and agent options
   * @param processes where the pods' processes are tracked
   * @param database the database the pods use
   * @param collectorEndpoint the agents' OTLP endpoint, e.g. {@code http://127.0.0.1:4318}
   * @param logDirectory where each pod's output goes
   */
  public Fleet(
      DemoSettings settings,
      ChildProcesses processes,
      DemoDatabase database,
      String collectorEndpoint,
      Path logDirectory) {
    this.settings = settings;
    this.processes = processes;
    this.database = database;
    this.collectorEndpoint = collectorEndpoint;
    this.logDirectory = logDirectory;
  }

  /**
   * Starts one payments pod.
   *
   * @param version 1 (healthy) or 2 (with the leaking reconciliation job)
   * @return the pod
   * @throws IOException when the JVM cannot be started
   */
  public Pod startPayments(int version) throws IOException {
    String name = podName(PAYMENTS, version);
    List<String> args =
        List.of(
            "--pool-size",
            Integer.toString(settings.paymentsPoolSize()),
            "--workers",
            Integer.toString(settings.paymentsWorkers()),
            "--version",
            Integer.toString(version),
            "--job-interval-ms",
            Long.toString(settings.jobInterval().toMillis()));
    return start(PAYMENTS, name, version, "io.poolscope.demo.app.PaymentsApp", args);
  }

  /**
   * Starts one jobs pod.
   *
   * @return the pod
   * @throws IOException when the JVM cannot be started
   */
  public Pod startJobs() throws IOException {
    String name = podName(JOBS, 1);
    List<String> args = List.of("--pool-size", Integer.toString(settings.jobsPoolSize()));
    return start(JOBS, name, 1, "io.poolscope.demo.app.JobsApp", args);
  }

  private synchronized String podName(String service, int version) {
    // Like a Deployment's pods: the template's version, then a unique suffix.
    return service + "-v" + version + "-" + (++started);
  }

  private Pod start(String service, String name, int version, String mainClass, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small JVMs: up to seven of them share two cores with PostgreSQL and the collector.
    command.addAll(
        List.of(
            "-Xmx64m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    command.add("-javaagent:" + settings.agentJar() + "=" + agentArguments(service, version));
    command.add("-cp");
    command.add(settings.appClasspath());
    command.add(mainClass);
    command.addAll(
        List.of(
            "--pod",
            name,
            "--url",
            database.servicesJdbcUrl(name),
            "--user",
            DemoDatabase.APP_USER,
            "--password",
            DemoDatabase.APP_PASSWORD));
    command.addAll(args);
    ChildProcesses.Child child =
        processes.start(name, command, environment(name), logDirectory.resolve(name + ".log"));
    Pod pod = new Pod(service, name, version, child);
    pods.add(pod);
    return pod;
  }

  /**
   * The agent's arguments (agent/OPTIONS.md): where to export, as which service, how often, and the
   * leak threshold, all shortened so the story fits in minutes.
   *
   * @param service the service name
   * @param version the service version
   * @return {@code key=value,...}
   */
  String agentArguments(String service, int version) {
    return "endpoint="
        + collectorEndpoint
        + ",service="
        + service
        + ",serviceVersion="
        + version
        + ",interval="
        + seconds(settings.exportInterval())
        + ",leakThreshold="
        + seconds(settings.leakThreshold())
        // The v2 job borrows once per run from a pool it has just built, so neither the
        // agent's default sampling (one borrow in 1024 per thread) nor its per-pool capture
        // window (opened by a pool's first suspected leak) would ever give its leaks a call
        // site. The demo's pods borrow a few times a second: capturing every borrow is cheap.
        + ",leakSampleRate=1";
  }

  /**
   * What a Kubernetes Deployment gives the pod through the downward API (deploy/
   * app-deployment.yaml): its name and namespace, which the agent reports as {@code k8s.pod.name}
   * and {@code k8s.namespace.name}.
   */
  private Map<String, String> environment(String name) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("POD_NAME", name);
    environment.put("POD_NAMESPACE", "demo");
    return environment;
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + "s"
        : duration.toMillis() + "ms";
  }

  /**
   * Stops a pod as Kubernetes would: SIGTERM, then a kill after a grace period.
   *
   * @param pod the pod
   */
  public void stop(Pod pod) {
    processes.stop(pod.process(), 5_000);
    pods.remove(pod);
  }

  /**
   * The running pods of a service.
   *
   * @param service the service name
   * @return a snapshot, oldest first
   */
  public List<Pod> pods(String service) {
    return pods.stream().filter(p -> p.service().equals(service)).toList();
  }
}
