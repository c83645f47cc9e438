package io.poolscope.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * How big the simulated fleet is and how fast the story runs. Two presets: {@link #standard()},
 * what {@code ./poolscope demo} shows a person (a few minutes), and {@link #quick()}, the same
 * story compressed to seconds for the end-to-end test.
 *
 * @param port the collector's port (0: any free port)
 * @param paymentsPods payments pods (each a JVM with a HikariCP pool)
 * @param jobsPods jobs pods (each a JVM with a DBCP2 pool)
 * @param maxConnections PostgreSQL's {@code max_connections}
 * @param paymentsPoolSize the payments pods' pool size
 * @param paymentsWorkers request threads per payments pod
 * @param jobsPoolSize the jobs pods' maximum pool size
 * @param exportInterval the agents' export interval (also the collector's)
 * @param leakThreshold the agents' leak threshold
 * @param jobInterval how often payments v2's reconciliation job runs
 * @param steady how long the healthy fleet runs before the incident (Enter: at once)
 * @param incident how long v2 runs before the automatic rollback (Enter: at once)
 * @param rolloutStep pause between replacing two pods in a rollout
 * @param rolloutSurge how many new pods a rollout starts before stopping old ones
 * @param alertForDivisor the default rules' {@code for:} durations are divided by this, so the
 *     alerts fire within the demo (1: the defaults unchanged)
 * @param interactive whether Enter on standard input advances the story
 * @param exitWhenResolved whether the demo stops by itself once every alert has resolved
 * @param agentJar the Poolscope agent attached to every pod
 * @param appClasspath the pods' classpath (the demo jar: its manifest brings the pools)
 * @param workRoot where the demo's temporary directory is made
 */
public record DemoSettings(
    int port,
    int paymentsPods,
    int jobsPods,
    int maxConnections,
    int paymentsPoolSize,
    int paymentsWorkers,
    int jobsPoolSize,
    Duration exportInterval,
    Duration leakThreshold,
    Duration jobInterval,
    Duration steady,
    Duration incident,
    Duration rolloutStep,
    int rolloutSurge,
    int alertForDivisor,
    boolean interactive,
    boolean exitWhenResolved,
    Path agentJar,
    String appClasspath,
    Path workRoot) {

  /**
   * What {@code ./poolscope demo} runs: 3 payments pods and 1 jobs pod against max_connections=60;
   * the incident starts after a minute and rolls back after three.
   *
   * @return the settings, with the agent jar and classpath located from the working directory
   */
  public static DemoSettings standard() {
    return new Builder().build();
  }

  /**
   * The story in seconds, for tests and {@code --quick}: 2 payments pods and 1 jobs pod against
   * max_connections=30, exporting every second.
   *
   * @return the settings
   */
  public static DemoSettings quick() {
    Builder b = new Builder();
    b.paymentsPods = 2;
    b.maxConnections = 30;
    b.paymentsPoolSize = 4;
    b.paymentsWorkers = 2;
    b.jobsPoolSize = 4;
    // Pods are stale after three silent intervals: 1 s keeps a busy machine's late export from
    // looking like a pod that died.
    b.exportInterval = Duration.ofSeconds(1);
    // Held leases are forever; a short threshold only has to stay clear of slow healthy ones.
    b.leakThreshold = Duration.ofSeconds(3);
    b.jobInterval = Duration.ofSeconds(1);
    b.steady = Duration.ofSeconds(10);
    b.incident = Duration.ofSeconds(60);
    b.rolloutStep = Duration.ZERO;
    b.rolloutSurge = 2;
    b.alertForDivisor = 60;
    b.interactive = false;
    return b.build();
  }

  /**
   * Parses the demo's command line over the preset it names ({@code --quick}, else standard).
   *
   * @param args e.g. {@code --port 4319 --payments-pods 4 --steady 30s --incident 120s}
   * @return the settings
   * @throws IllegalArgumentException naming the option and value when one is invalid
   */
  public static DemoSettings parse(String... args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    Builder b = (quick ? quick() : standard()).toBuilder();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      switch (option) {
        case "--quick" -> {}
        case "--no-input" -> b.interactive = false;
        case "--exit-when-resolved" -> b.exitWhenResolved = true;
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("unknown option or missing value: " + option);
          }
          b.set(option, args[++i]);
        }
      }
    }
    return b.build();
  }

  /**
   * A builder holding these settings, to change some of them.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.port = port;
    b.paymentsPods = paymentsPods;
    b.jobsPods = jobsPods;
    b.maxConnections = maxConnections;
    b.paymentsPoolSize = paymentsPoolSize;
    b.paymentsWorkers = paymentsWorkers;
    b.jobsPoolSize = jobsPoolSize;
    b.exportInterval = exportInterval;
    b.leakThreshold = leakThreshold;
    b.jobInterval = jobInterval;
    b.steady = steady;
    b.incident = incident;
    b.rolloutStep = rolloutStep;
    b.rolloutSurge = rolloutSurge;
    b.alertForDivisor = alertForDivisor;
    b.interactive = interactive;
    b.exitWhenResolved = exitWhenResolved;
    b.agentJar = agentJar;
    b.appClasspath = appClasspath;
    b.workRoot = workRoot;
    return b;
  }

  /** Mutable settings; fields start at the {@link #standard()} values. */
  public static final class Builder {
    int port = 4318;
    int paymentsPods = 3;
    int jobsPods = 1;
    int maxConnections = 60;
    int paymentsPoolSize = 8;
    int paymentsWorkers = 3;
    int jobsPoolSize = 6;
    Duration exportInterval = Duration.ofSeconds(5);
    Duration leakThreshold = Duration.ofSeconds(10);
    Duration jobInterval = Duration.ofSeconds(3);
    Duration steady = Duration.ofSeconds(60);
    Duration incident = Duration.ofSeconds(180);
    Duration rolloutStep = Duration.ofSeconds(5);
    int rolloutSurge = 1;
    int alertForDivisor = 4;
    boolean interactive = true;
    boolean exitWhenResolved = false;
    Path agentJar = locateAgentJar();
    String appClasspath = locateAppClasspath();
    Path workRoot = Path.of(System.getProperty("java.io.tmpdir"));

    private Builder() {}

    /**
     * Sets the phase timers.
     *
     * @param steady how long the healthy fleet runs before the incident
     * @param incident how long v2 runs before the automatic rollback
     * @return this
     */
    public Builder timers(Duration steady, Duration incident) {
      this.steady = steady;
      this.incident = incident;
      return this;
    }

    /**
     * Sets the collector's port.
     *
     * @param port the port, 0 for any free one
     * @return this
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Sets the agent jar attached to every pod.
     *
     * @param agentJar the jar
     * @return this
     */
    public Builder agentJar(Path agentJar) {
      this.agentJar = agentJar;
      return this;
    }

    /**
     * Sets the pods' classpath.
     *
     * @param appClasspath the classpath
     * @return this
     */
    public Builder appClasspath(String appClasspath) {
      this.appClasspath = appClasspath;
      return this;
    }

    /**
     * Sets where the demo's temporary directory is made.
     *
     * @param workRoot a directory
     * @return this
     */
    public Builder workRoot(Path workRoot) {
      this.workRoot = workRoot;
      return this;
    }

    private void set(String option, String value) {
      switch (option) {
        case "--port" -> port = integer(option, value, 0);
        case "--payments-pods" -> paymentsPods = integer(option, value, 1);
        case "--jobs-pods" -> jobsPods = integer(option, value, 0);
        case "--max-connections" -> maxConnections = integer(option, value, 10);
        case "--steady" -> steady = duration(option, value);
        case "--incident" -> incident = duration(option, value);
        case "--alert-for-divisor" -> alertForDivisor = integer(option, value, 1);
        case "--agent" -> agentJar = Path.of(value).toAbsolutePath().normalize();
        default -> throw new IllegalArgumentException("unknown option: " + option);
      }
    }

    /**
     * The settings.
     *
     * @return an immutable copy
     */
    public DemoSettings build() {
      return new DemoSettings(
          port,
          paymentsPods,
          jobsPods,
          maxConnections,
          paymentsPoolSize,
          paymentsWorkers,
          jobsPoolSize,
          exportInterval,
          leakThreshold,
          jobInterval,
          steady,
          incident,
          rolloutStep,
          rolloutSurge,
          alertForDivisor,
          interactive,
          exitWhenResolved,
          agentJar,
          appClasspath,
          workRoot);
    }
  }

  private static int integer(String option, String value, int min) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Reported below with the option's name.
    }
    throw new IllegalArgumentException(option + " must be an integer >= " + min + ": " + value);
  }

  /**
   * Parses {@code 90s}, {@code 2m}, {@code 500ms} or a plain number of seconds.
   *
   * @param option the option, for the error message
   * @param value the text
   * @return the duration
   */
  static Duration duration(String option, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a duration like 90s or 2m: " + value);
    }
  }

  /**
   * The agent jar: system property {@code poolscope.agent.jar}, else {@code
   * agent/target/poolscope-agent.jar} from the repository root or from a module directory.
   */
  private static Path locateAgentJar() {
    String configured = System.getProperty("poolscope.agent.jar");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path fromRoot = Path.of("agent", "target", "poolscope-agent.jar").toAbsolutePath();
    Path fromModule = Path.of("..", "agent", "target", "poolscope-agent.jar").toAbsolutePath();
    return (Files.exists(fromRoot) || !Files.exists(fromModule) ? fromRoot : fromModule)
        .normalize();
  }

  /**
   * The pods' classpath: system property {@code poolscope.demo.classpath}, else the jar this class
   * was loaded from (its manifest's Class-Path lists the pools and the driver in lib/), else, when
   * running from classes (an IDE), this JVM's classpath.
   */
  private static String locateAppClasspath() {
    String configured = System.getProperty("poolscope.demo.classpath");
    if (configured != null) {
      return configured;
    }
    try {
      Path codeSource =
          Path.of(DemoSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (codeSource.toString().endsWith(".jar")) {
        return codeSource.toString();
      }
    } catch (Exception e) {
      // Fall through to this JVM's classpath.
    }
    return System.getProperty("java.class.path");
  }
}
