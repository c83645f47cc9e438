package io.poolscope.collector;

import io.poolscope.collector.internal.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable configuration of a collector. Built from defaults, a YAML file ({@link #load(Path)}),
 * environment variables ({@code POOLSCOPE_STORE_URL} overrides {@code store.url}) or a {@link
 * Builder}; validated once, so an invalid value stops start-up with a message naming the key.
 */
public final class CollectorConfig {

  /** Per database target settings, matched to the fleet by the target id the collector makes. */
  public record Database(
      String id,
      Integer maxConnections,
      Integer reserved,
      String probeUrl,
      String probeUser,
      String probePassword) {

    /** A target with a configured limit and no probe. */
    public static Database withLimit(String id, int maxConnections) {
      return new Database(id, maxConnections, null, null, null, null);
    }

    /** A target whose limits and connection count come from a JDBC probe. */
    public static Database withProbe(String id, String url, String user, String password) {
      return new Database(id, null, null, url, user, password);
    }

    @Override
    public String toString() {
      // The password never appears in logs or error messages.
      return "Database[id="
          + id
          + ", maxConnections="
          + maxConnections
          + ", probeUrl="
          + redactUrl(probeUrl)
          + "]";
    }
  }

  /**
   * A database server, named once ({@code servers:}): its limit or its probe, and the other names
   * it is reached by. Every agent target on it (each of its databases, each host name of it) shares
   * its budget.
   *
   * @param aliases {@code host:port} (or {@code host} for any port, {@code [v6]:port}) the server
   *     is also reached at: a DNS alias, a load balancer, an RDS endpoint and its CNAME
   */
  public record Server(
      String id,
      Integer maxConnections,
      Integer reserved,
      String probeUrl,
      String probeUser,
      String probePassword,
      List<String> aliases) {

    /** Copies the aliases. */
    public Server {
      aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }

    /** A server with a configured limit and no probe. */
    public static Server withLimit(String id, int maxConnections, String... aliases) {
      return new Server(id, maxConnections, null, null, null, null, List.of(aliases));
    }

    /** A server whose limits and connection counts come from a JDBC probe. */
    public static Server withProbe(
        String id, String url, String user, String password, String... aliases) {
      return new Server(id, null, null, url, user, password, List.of(aliases));
    }

    @Override
    public String toString() {
      // The password never appears in logs or error messages.
      return "Server[id="
          + id
          + ", maxConnections="
          + maxConnections
          + ", probeUrl="
          + redactUrl(probeUrl)
          + ", aliases="
          + aliases
          + "]";
    }
  }

  /**
   * Where alert notifications go (alerts/RULES.md section 5): {@code type} is webhook, slack,
   * pagerduty, alertmanager or log; {@code match}/{@code matchRegex} select alerts by label; {@code
   * groupBy}, {@code groupWait}, {@code groupInterval} and {@code repeatInterval} group
   * notifications as Alertmanager does ({@code null}: the alerts module's defaults, alertname + db
   * + service, 30 s, 5 min, 4 h).
   */
  public record Notifier(
      String name,
      String type,
      String url,
      String routingKey,
      Map<String, String> match,
      Map<String, String> matchRegex,
      List<String> groupBy,
      Duration groupWait,
      Duration groupInterval,
      Duration repeatInterval) {

    /** Copies the maps and the list. */
    public Notifier {
      match = match == null ? Map.of() : Map.copyOf(match);
      matchRegex = matchRegex == null ? Map.of() : Map.copyOf(matchRegex);
      groupBy = groupBy == null ? null : List.copyOf(groupBy);
    }

    /** A notifier with the default grouping. */
    public Notifier(
        String name,
        String type,
        String url,
        String routingKey,
        Map<String, String> match,
        Map<String, String> matchRegex) {
      this(name, type, url, routingKey, match, matchRegex, null, null, null, null);
    }

    /** This notifier with other grouping values ({@code null}: the default). */
    public Notifier withGrouping(
        List<String> groupBy, Duration groupWait, Duration groupInterval, Duration repeatInterval) {
      return new Notifier(
          name,
          type,
          url,
          routingKey,
          match,
          matchRegex,
          groupBy,
          groupWait,
          groupInterval,
          repeatInterval);
    }

    @Override
    public String toString() {
      // URLs and routing keys are secrets (Slack and PagerDuty put them in the URL or key).
      return "Notifier[name=" + name + ", type=" + type + "]";
    }
  }

  /** Per service settings: the autoscaler ceiling used for planned capacity and sizing. */
  public record Service(String name, int maxReplicas) {}

  private final String host;
  private final int port;
  private final String ingestToken;
  private final long maxBodyBytes;
  private final double ingestRateLimit;
  private final String apiToken;
  private final Duration exportInterval;
  private final Duration fleetRetention;
  private final String storeUrl;
  private final String storeUser;
  private final String storePassword;
  private final Duration storeRetention;
  private final Duration historyStep;
  private final Duration probeInterval;
  private final Duration probeTimeout;
  private final int headroom;
  private final Path alertRules;
  private final String externalUrl;
  private final List<Notifier> notifiers;
  private final List<Database> databases;
  private final List<Server> servers;
  private final List<Service> services;

  private CollectorConfig(Builder b) {
    host = b.host;
    port = b.port;
    ingestToken = b.ingestToken;
    maxBodyBytes = b.maxBodyBytes;
    ingestRateLimit = b.ingestRateLimit;
    apiToken = b.apiToken;
    exportInterval = b.exportInterval;
    fleetRetention = b.fleetRetention;
    storeUrl = b.storeUrl;
    storeUser = b.storeUser;
    storePassword = b.storePassword;
    storeRetention = b.storeRetention;
    historyStep = b.historyStep;
    probeInterval = b.probeInterval == null ? b.exportInterval : b.probeInterval;
    probeTimeout = b.probeTimeout;
    headroom = b.headroom;
    alertRules = b.alertRules;
    externalUrl = b.externalUrl;
    notifiers = List.copyOf(b.notifiers);
    databases = List.copyOf(b.databases);
    servers = List.copyOf(b.servers);
    services = List.copyOf(b.services);
  }

  /** Defaults: port 4318 on all interfaces, H2 file {@code ./data/poolscope}, 10 s interval. */
  public static CollectorConfig defaults() {
    return builder().build();
  }

  /**
   * Loads a YAML file (or defaults when {@code file} is null) and applies {@code POOLSCOPE_*}
   * environment overrides from the process environment.
   *
   * @throws IllegalArgumentException naming the key and value when the configuration is invalid
   */
  public static CollectorConfig load(Path file) {
    return load(file, System.getenv());
  }

  /** As {@link #load(Path)}, with an explicit environment (tests, embedding). */
  public static CollectorConfig load(Path file, Map<String, String> env) {
    return ConfigLoader.load(file, env);
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.ingestToken = ingestToken;
    b.maxBodyBytes = maxBodyBytes;
    b.ingestRateLimit = ingestRateLimit;
    b.apiToken = apiToken;
    b.exportInterval = exportInterval;
    b.fleetRetention = fleetRetention;
    b.storeUrl = storeUrl;
    b.storeUser = storeUser;
    b.storePassword = storePassword;
    b.storeRetention = storeRetention;
    b.historyStep = historyStep;
    b.probeInterval = probeInterval;
    b.probeTimeout = probeTimeout;
    b.headroom = headroom;
    b.alertRules = alertRules;
    b.externalUrl = externalUrl;
    b.notifiers = notifiers;
    b.databases = databases;
    b.servers = servers;
    b.services = services;
    return b;
  }

  /** Bind address ({@code server.host}). */
  public String host() {
    return host;
  }

  /** Port ({@code server.port}); 0 picks a free port, see {@link Collector#port()}. */
  public int port() {
    return port;
  }

  /** Bearer token agents must send ({@code ingest.token}), if any. */
  public Optional<String> ingestToken() {
    return Optional.ofNullable(ingestToken);
  }

  /** Largest accepted request body, before and after gzip ({@code ingest.maxBodyBytes}). */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Ingest requests per second one client address may send ({@code ingest.rateLimit}), with a burst
   * of ten seconds' worth; 0 (the default) is unlimited. Above it: 429 with Retry-After.
   */
  public double ingestRateLimit() {
    return ingestRateLimit;
  }

  /**
   * Token the dashboard, the read API, the event stream and {@code /metrics} require ({@code
   * api.token}), as {@code Authorization: Bearer} or as the Basic password; none by default.
   */
  public Optional<String> apiToken() {
    return Optional.ofNullable(apiToken);
  }

  /** The agents' export interval ({@code fleet.exportInterval}); stale after three. */
  public Duration exportInterval() {
    return exportInterval;
  }

  /** How long a silent pod is kept before it is forgotten ({@code fleet.retention}). */
  public Duration fleetRetention() {
    return fleetRetention;
  }

  /** JDBC URL of the store ({@code store.url}). */
  public String storeUrl() {
    return storeUrl;
  }

  /** Store user ({@code store.user}). */
  public String storeUser() {
    return storeUser;
  }

  /** Store password ({@code store.password}). */
  public String storePassword() {
    return storePassword;
  }

  /** How long history, leak events and alert history are kept ({@code store.retention}). */
  public Duration storeRetention() {
    return storeRetention;
  }

  /** Resolution of stored history ({@code store.historyStep}, one minute by default). */
  public Duration historyStep() {
    return historyStep;
  }

  /** How often database probes run ({@code probe.interval}, the export interval by default). */
  public Duration probeInterval() {
    return probeInterval;
  }

  /** Connect and query timeout of a probe ({@code probe.timeout}). */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /** Connections kept free when suggesting a pool size ({@code budget.headroom}). */
  public int headroom() {
    return headroom;
  }

  /** Alert rule file ({@code alerts.rules}); the built-in defaults when absent. */
  public Optional<Path> alertRules() {
    return Optional.ofNullable(alertRules);
  }

  /** The dashboard's public URL for links in notifications ({@code alerts.externalUrl}). */
  public Optional<String> externalUrl() {
    return Optional.ofNullable(externalUrl);
  }

  /** Notification targets ({@code alerts.notifiers}); none by default. */
  public List<Notifier> notifiers() {
    return notifiers;
  }

  /** Configured database targets ({@code databases}). */
  public List<Database> databases() {
    return databases;
  }

  /**
   * Configured servers ({@code servers}); {@code
   * io.poolscope.collector.internal.server.ServerCatalog.of(config)} adds the servers of the old
   * {@code databases} entries.
   */
  public List<Server> servers() {
    return servers;
  }

  /** Configured services ({@code services}). */
  public List<Service> services() {
    return services;
  }

  /**
   * A URL as it may appear in messages: user info and parameters, either of which may carry a
   * password, replaced by "...".
   */
  static String redactUrl(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("//[^/?;@]*@", "//...@").replaceAll("([?;]).*", "$1...");
  }

  /** Builder; {@link #build()} validates. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 4318;
    private String ingestToken;
    private long maxBodyBytes = 4L * 1024 * 1024;
    private double ingestRateLimit = 0;
    private String apiToken;
    private Duration exportInterval = Duration.ofSeconds(10);
    private Duration fleetRetention = Duration.ofHours(1);
    private String storeUrl = "jdbc:h2:file:./data/poolscope";
    private String storeUser = "sa";
    private String storePassword = "";
    private Duration storeRetention = Duration.ofDays(30);
    private Duration historyStep = Duration.ofMinutes(1);
    private Duration probeInterval;
    private Duration probeTimeout = Duration.ofSeconds(5);
    private int headroom = 0;
    private Path alertRules;
    private String externalUrl;
    private List<Notifier> notifiers = List.of();
    private List<Database> databases = List.of();
    private List<Server> servers = List.of();
    private List<Service> services = List.of();

    private Builder() {}

    /** Sets {@code server.host}. */
    public Builder host(String v) {
      host = v;
      return this;
    }

    /** Sets {@code server.port}. */
    public Builder port(int v) {
      port = v;
      return this;
    }

    /** Sets {@code ingest.token}; null or empty disables authentication. */
    public Builder ingestToken(String v) {
      ingestToken = v == null || v.isEmpty() ? null : v;
      return this;
    }

    /** Sets {@code ingest.maxBodyBytes}. */
    public Builder maxBodyBytes(long v) {
      maxBodyBytes = v;
      return this;
    }

    /** Sets {@code ingest.rateLimit} (requests per second per client; 0 = unlimited). */
    public Builder ingestRateLimit(double v) {
      ingestRateLimit = v;
      return this;
    }

    /** Sets {@code api.token}; null or empty leaves the dashboard and read API open. */
    public Builder apiToken(String v) {
      apiToken = v == null || v.isEmpty() ? null : v;
      return this;
    }

    /** Sets {@code fleet.exportInterval}. */
    public Builder exportInterval(Duration v) {
      exportInterval = v;
      return this;
    }

    /** Sets {@code fleet.retention}. */
    public Builder fleetRetention(Duration v) {
      fleetRetention = v;
      return this;
    }

    /** Sets {@code store.url}. */
    public Builder storeUrl(String v) {
      storeUrl = v;
      return this;
    }

    /** Sets {@code store.user}. */
    public Builder storeUser(String v) {
      storeUser = v;
      return this;
    }

    /** Sets {@code store.password}. */
    public Builder storePassword(String v) {
      storePassword = v;
      return this;
    }

    /** Sets {@code store.retention}. */
    public Builder storeRetention(Duration v) {
      storeRetention = v;
      return this;
    }

    /** Sets {@code store.historyStep}. */
    public Builder historyStep(Duration v) {
      historyStep = v;
      return this;
    }

    /** Sets {@code probe.interval}. */
    public Builder probeInterval(Duration v) {
      probeInterval = v;
      return this;
    }

    /** Sets {@code probe.timeout}. */
    public Builder probeTimeout(Duration v) {
      probeTimeout = v;
      return this;
    }

    /** Sets {@code budget.headroom}. */
    public Builder headroom(int v) {
      headroom = v;
      return this;
    }

    /** Sets {@code alerts.rules}. */
    public Builder alertRules(Path v) {
      alertRules = v;
      return this;
    }

    /** Sets {@code alerts.externalUrl}. */
    public Builder externalUrl(String v) {
      externalUrl = v;
      return this;
    }

    /** Sets {@code alerts.notifiers}. */
    public Builder notifiers(List<Notifier> v) {
      notifiers = List.copyOf(v);
      return this;
    }

    /** Sets {@code databases}. */
    public Builder databases(List<Database> v) {
      databases = List.copyOf(v);
      return this;
    }

    /** Sets {@code servers}. */
    public Builder servers(List<Server> v) {
      servers = List.copyOf(v);
      return this;
    }

    /** Sets {@code services}. */
    public Builder services(List<Service> v) {
      services = List.copyOf(v);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid key and its value
     */
    public CollectorConfig build() {
      check(port >= 0 && port <= 65535, "server.port", port);
      check(host != null && !host.isBlank(), "server.host", host);
      check(maxBodyBytes >= 1024, "ingest.maxBodyBytes", maxBodyBytes);
      check(
          Double.isFinite(ingestRateLimit) && ingestRateLimit >= 0,
          "ingest.rateLimit",
          ingestRateLimit);
      positive(exportInterval, "fleet.exportInterval");
      positive(fleetRetention, "fleet.retention");
      check(storeUrl != null && storeUrl.startsWith("jdbc:"), "store.url", storeUrl);
      positive(storeRetention, "store.retention");
      positive(historyStep, "store.historyStep");
      if (probeInterval != null) {
        positive(probeInterval, "probe.interval");
      }
      positive(probeTimeout, "probe.timeout");
      check(headroom >= 0, "budget.headroom", headroom);
      for (int i = 0; i < databases.size(); i++) {
        Database d = databases.get(i);
        String k = "databases." + i + ".";
        check(
            d.id() != null && d.id().matches("[A-Za-z0-9._~-]+"),
            k + "id",
            Objects.toString(d.id()));
        check(
            d.maxConnections() == null || d.maxConnections() > 0,
            k + "maxConnections",
            d.maxConnections());
        check(d.reserved() == null || d.reserved() >= 0, k + "reserved", d.reserved());
        check(
            d.probeUrl() == null || d.probeUrl().startsWith("jdbc:"),
            k + "probe.url",
            redactUrl(d.probeUrl()));
      }
      java.util.Set<String> serverIds = new java.util.HashSet<>();
      for (int i = 0; i < servers.size(); i++) {
        Server sv = servers.get(i);
        String k = "servers." + i + ".";
        check(
            sv.id() != null && sv.id().matches("[A-Za-z0-9._~-]+"),
            k + "id",
            Objects.toString(sv.id()));
        check(serverIds.add(sv.id()), k + "id (a second server with this id)", sv.id());
        check(
            sv.maxConnections() == null || sv.maxConnections() > 0,
            k + "maxConnections",
            sv.maxConnections());
        check(sv.reserved() == null || sv.reserved() >= 0, k + "reserved", sv.reserved());
        check(
            sv.probeUrl() == null || sv.probeUrl().startsWith("jdbc:"),
            k + "probe.url",
            redactUrl(sv.probeUrl()));
        for (int j = 0; j < sv.aliases().size(); j++) {
          String alias = sv.aliases().get(j);
          try {
            io.poolscope.collector.internal.server.Endpoint.parse(alias);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "invalid configuration: "
                    + k
                    + "aliases."
                    + j
                    + " = '"
                    + alias
                    + "' (expected host:port, host or [v6]:port: "
                    + e.getMessage()
                    + ")");
          }
        }
      }
      for (int i = 0; i < notifiers.size(); i++) {
        Notifier n = notifiers.get(i);
        check(n.name() != null && !n.name().isBlank(), "alerts.notifiers." + i + ".name", n.name());
        check(n.type() != null && !n.type().isBlank(), "alerts.notifiers." + i + ".type", n.type());
        String k = "alerts.notifiers." + i + ".";
        if (n.groupBy() != null) {
          for (String label : n.groupBy()) {
            check(
                label.equals("...")
                    ? n.groupBy().size() == 1
                    : label.matches("[a-zA-Z_][a-zA-Z0-9_]*"),
                k + "groupBy",
                String.join(",", n.groupBy()));
          }
        }
        check(n.groupWait() == null || !n.groupWait().isNegative(), k + "groupWait", n.groupWait());
        check(
            n.groupInterval() == null || !n.groupInterval().isNegative(),
            k + "groupInterval",
            n.groupInterval());
        if (n.repeatInterval() != null) {
          positive(n.repeatInterval(), k + "repeatInterval");
        }
      }
      for (int i = 0; i < services.size(); i++) {
        Service s = services.get(i);
        check(s.name() != null && !s.name().isBlank(), "services." + i + ".name", s.name());
        check(s.maxReplicas() > 0, "services." + i + ".maxReplicas", s.maxReplicas());
      }
      CollectorConfig config = new CollectorConfig(this);
      // Old databases: entries map to their server, or fail here with what to write instead.
      io.poolscope.collector.internal.server.ServerCatalog.of(config);
      return config;
    }

    private static void positive(Duration d, String key) {
      check(d != null && !d.isNegative() && !d.isZero(), key, d);
    }

    private static void check(boolean ok, String key, Object value) {
      if (!ok) {
        throw new IllegalArgumentException(
            "invalid configuration: " + key + " = '" + value + "' is not allowed");
      }
    }
  }
}
