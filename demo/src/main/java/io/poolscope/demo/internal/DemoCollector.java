package io.poolscope.demo.internal;

import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import io.poolscope.collector.Collector;
import io.poolscope.collector.CollectorConfig;
import io.poolscope.demo.DemoSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.FileHandler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real collector, started in the demo's own JVM through its public API: an H2 store in the
 * demo's temporary directory, the dashboard, a probe of the demo database as superuser, and the
 * default alert rules with time compressed so they fire within the demo, delivered to a log
 * notifier.
 */
public final class DemoCollector implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("\\[(\\d+)([smh])]");

  private final Collector collector;
  private final Path rules;
  private final Path notifications;
  // Held here: java.util.logging keeps loggers only weakly, and with them their configuration.
  private final Logger notificationLogger;
  private final FileHandler notificationFile;

  private DemoCollector(
      Collector collector,
      Path rules,
      Path notifications,
      Logger notificationLogger,
      FileHandler notificationFile) {
    this.collector = collector;
    this.rules = rules;
    this.notifications = notifications;
    this.notificationLogger = notificationLogger;
    this.notificationFile = notificationFile;
  }

  /**
   * Writes the configuration's files and starts the collector.
   *
   * @param directory the collector's own directory (store, rules)
   * @param port the port, 0 for any free one
   * @param exportInterval the agents' export interval
   * @param databaseId the demo database's target id, as the collector makes it from the agents'
   *     attributes
   * @param probeUrl the probe's JDBC URL
   * @param services the services with their autoscaler ceilings
   * @param alertForDivisor the default rules' durations are divided by this
   * @return the started collector
   * @throws IOException when a file cannot be written
   */
  public static DemoCollector start(
      Path directory,
      int port,
      Duration exportInterval,
      String databaseId,
      String probeUrl,
      List<CollectorConfig.Service> services,
      int alertForDivisor)
      throws IOException {
    Files.createDirectories(directory);
    Path rules = directory.resolve("demo-rules.yaml");
    Files.writeString(
        rules, compressedDefaults(alertForDivisor).toPrometheusRuleFile(), StandardCharsets.UTF_8);
    // The log notifier writes through the JDK's platform logger (java.util.logging by default):
    // into a file of the demo's, not onto the console between the timeline's lines.
    Path notifications = directory.resolve("notifications.log");
    Logger notificationLogger = Logger.getLogger("io.poolscope.alerts");
    FileHandler notificationFile = new FileHandler(notifications.toString(), true);
    notificationFile.setFormatter(new SimpleFormatter());
    notificationLogger.setUseParentHandlers(false);
    notificationLogger.addHandler(notificationFile);
    CollectorConfig config =
        CollectorConfig.builder()
            .host("127.0.0.1")
            .port(port)
            .exportInterval(exportInterval)
            .probeInterval(exportInterval)
            .storeUrl("jdbc:h2:file:" + directory.resolve("store").toAbsolutePath())
            .alertRules(rules)
            .databases(
                List.of(CollectorConfig.Database.withProbe(databaseId, probeUrl, "postgres", "")))
            .services(services)
            .notifiers(List.of(logNotifier(alertForDivisor)))
            .build();
    try {
      return new DemoCollector(
          Collector.start(config), rules, notifications, notificationLogger, notificationFile);
    } catch (RuntimeException e) {
      notificationLogger.removeHandler(notificationFile);
      notificationFile.close();
      throw e;
    }
  }

  /**
   * The log notifier, grouping like Alertmanager on the demo's faster clock: the default group
   * wait, interval and repeat interval divided like the rules' {@code for:}, so a resolve is told
   * within the story, not minutes after it. Grouped by server, database and service, the level a
   * person fixes: the incident is one thread of notifications for the server's budget, one for the
   * database and one for the service that caused it, not one per rule; each line names every rule
   * it carries.
   */
  static CollectorConfig.Notifier logNotifier(int divisor) {
    int d = Math.max(1, divisor);
    return new CollectorConfig.Notifier("log", "log", null, null, null, null)
        .withGrouping(
            List.of("server", "db", "service"),
            Duration.ofSeconds(30).dividedBy(d),
            Duration.ofMinutes(5).dividedBy(d),
            Duration.ofHours(4).dividedBy(d));
  }

  /**
   * The services with their autoscaler ceilings: payments may scale to two pods more than it runs,
   * jobs not at all. At those ceilings the healthy fleet's pools still fit the usable limit, so
   * "planned at ceiling" only fires once v2's extra pools appear.
   *
   * @param settings the fleet's size
   * @return the collector's service settings
   */
  public static List<CollectorConfig.Service> services(DemoSettings settings) {
    return List.of(
        new CollectorConfig.Service(Fleet.PAYMENTS, settings.paymentsPods() + 2),
        new CollectorConfig.Service(Fleet.JOBS, Math.max(1, settings.jobsPods())));
  }

  /**
   * The built-in rules with every {@code for:} and every range window divided by {@code divisor}:
   * the same rules on a faster clock. A divisor of 1 gives the defaults unchanged.
   *
   * @param divisor how much faster
   * @return the rules
   */
  static RuleSet compressedDefaults(int divisor) {
    List<Rule> rules =
        RuleSet.defaults().rules().stream()
            .map(
                r ->
                    new Rule(
                        r.name(),
                        compressRanges(r.expr(), divisor),
                        r.forDuration().dividedBy(divisor),
                        r.labels(),
                        r.annotations()))
            .toList();
    return new RuleSet(rules, "built-in defaults, time divided by " + divisor);
  }

  static String compressRanges(String expr, int divisor) {
    Matcher m = RANGE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      long seconds =
          Long.parseLong(m.group(1))
              * switch (m.group(2)) {
                case "m" -> 60;
                case "h" -> 3600;
                default -> 1;
              };
      m.appendReplacement(out, "[" + Math.max(1, seconds / divisor) + "s]");
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The port the collector listens on.
   *
   * @return the port
   */
  public int port() {
    return collector.port();
  }

  /**
   * The rule file the collector evaluates.
   *
   * @return its path
   */
  public Path rules() {
    return rules;
  }

  /**
   * The log notifier's file: one line per firing or resolved notification.
   *
   * @return its path
   */
  public Path notifications() {
    return notifications;
  }

  /** Stops the collector and closes its store and the notification log. */
  @Override
  public void close() {
    collector.close();
    notificationLogger.removeHandler(notificationFile);
    notificationLogger.setUseParentHandlers(true);
    notificationFile.close();
  }
}
