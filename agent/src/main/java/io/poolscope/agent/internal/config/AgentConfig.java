package io.poolscope.agent.internal.config;

import io.poolscope.agent.internal.export.BackoffPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's configuration, validated once at start-up and immutable afterwards. Each option is
 * read, in order of precedence, from the {@code -javaagent} arguments, the system property {@code
 * poolscope.KEY} and the environment variable {@code POOLSCOPE_KEY}. OPTIONS.md lists them.
 */
public final class AgentConfig {

  /** Every option the agent understands; anything else in the agent arguments is an error. */
  public static final Set<String> KEYS =
      Collections.unmodifiableSet(
          new TreeSet<>(
              java.util.Arrays.asList(
                  "enabled",
                  "endpoint",
                  "service",
                  "serviceVersion",
                  "token",
                  "interval",
                  "timeout",
                  "maxBackoff",
                  "leakThreshold",
                  "leakCapture",
                  "leakCaptureWindow",
                  "leakSampleRate",
                  "eventBuffer",
                  "debug")));

  private final boolean enabled;
  private final URI endpoint;
  private final String service;
  private final String serviceVersion;
  private final String token;
  private final Duration interval;
  private final Duration timeout;
  private final Duration maxBackoff;
  private final Duration leakThreshold;
  private final boolean leakCapture;
  private final Duration leakCaptureWindow;
  private final int leakSampleRate;
  private final int eventBuffer;
  private final boolean debug;

  private AgentConfig(Map<String, String> v, Map<String, String> env) {
    enabled = bool(v, "enabled", true);
    endpoint = uri(v.getOrDefault("endpoint", "http://127.0.0.1:4318"));
    String svc = v.get("service");
    if (svc == null || svc.isEmpty()) {
      svc = env.get("OTEL_SERVICE_NAME");
    }
    service = svc == null || svc.isEmpty() ? null : svc;
    String version = v.get("serviceVersion");
    if (version == null || version.isEmpty()) {
      version = resourceAttribute(env.get("OTEL_RESOURCE_ATTRIBUTES"), "service.version");
    }
    serviceVersion = version == null || version.isEmpty() ? null : version;
    String tok = v.get("token");
    token = tok == null || tok.isEmpty() ? null : tok;
    interval = duration(v, "interval", "10s", Duration.ofMillis(50), Duration.ofHours(1));
    timeout = duration(v, "timeout", "5s", Duration.ofMillis(50), Duration.ofMinutes(1));
    maxBackoff =
        duration(
            v,
            "maxBackoff",
            BackoffPolicy.defaultCapMillis(interval.toMillis()) + "ms",
            interval,
            Duration.ofHours(1));
    leakThreshold = duration(v, "leakThreshold", "30s", Duration.ofMillis(100), Duration.ofDays(1));
    leakCapture = bool(v, "leakCapture", true);
    leakCaptureWindow = duration(v, "leakCaptureWindow", "10m", Duration.ZERO, Duration.ofDays(7));
    leakSampleRate = integer(v, "leakSampleRate", 1024, 0, 1 << 30);
    eventBuffer = integer(v, "eventBuffer", 1000, 1, 1_000_000);
    debug = bool(v, "debug", false);
  }

  /**
   * Reads and validates the configuration.
   *
   * @param agentArgs the text after {@code =} in {@code -javaagent:jar=...}, may be null
   * @param sysProps the system properties
   * @param env the environment
   * @return the validated configuration
   * @throws ConfigException naming the first bad option
   */
  public static AgentConfig parse(
      String agentArgs, java.util.Properties sysProps, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : KEYS) {
      String e = env.get("POOLSCOPE_" + snake(key));
      if (e != null) {
        values.put(key, e.trim());
      }
      String p = sysProps.getProperty("poolscope." + key);
      if (p != null) {
        values.put(key, p.trim());
      }
    }
    if (agentArgs != null && !agentArgs.trim().isEmpty()) {
      for (String part : agentArgs.split(",")) {
        if (part.trim().isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(part.trim(), "", "expected key=value");
        }
        String key = part.substring(0, eq).trim();
        if (!KEYS.contains(key)) {
          throw new ConfigException(key, part.substring(eq + 1), "unknown option, known: " + KEYS);
        }
        values.put(key, part.substring(eq + 1).trim());
      }
    }
    return new AgentConfig(values, env);
  }

  /**
   * Reads the configuration for the agent's start: prints one line naming the bad option and
   * returns null when it is invalid, returns null silently when the agent is disabled.
   *
   * @param agentArgs the -javaagent arguments
   * @return the configuration, or null when the agent must not start
   */
  public static AgentConfig fromAgentArguments(String agentArgs) {
    try {
      AgentConfig c = parse(agentArgs, System.getProperties(), System.getenv());
      return c.enabled() ? c : null;
    } catch (ConfigException e) {
      System.err.println(
          "poolscope: " + e.getMessage() + " (agent disabled, the application runs without it)");
      return null;
    }
  }

  /**
   * One key of {@code OTEL_RESOURCE_ATTRIBUTES} ({@code key1=value1,key2=value2}, values
   * percent-encoded as the OpenTelemetry specification says); null when absent or malformed, as the
   * OpenTelemetry SDK ignores what it cannot read there.
   */
  static String resourceAttribute(String attributes, String key) {
    if (attributes == null) {
      return null;
    }
    for (String pair : attributes.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(key)) {
        return percentDecode(pair.substring(eq + 1).trim());
      }
    }
    return null;
  }

  /** %XX escapes (UTF-8) only: unlike URL form decoding, a '+' stays a '+'. */
  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    java.io.ByteArrayOutputStream escaped = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      int hi = i + 2 < s.length() && s.charAt(i) == '%' ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (lo >= 0) {
        escaped.write(hi * 16 + lo);
        i += 2;
        continue;
      }
      out.append(new String(escaped.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
      escaped.reset();
      out.append(s.charAt(i));
    }
    out.append(new String(escaped.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
    return out.toString();
  }

  /** leakThreshold becomes POOLSCOPE_LEAK_THRESHOLD. */
  static String snake(String key) {
    StringBuilder sb = new StringBuilder();
    for (char c : key.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_');
      }
      sb.append(Character.toUpperCase(c));
    }
    return sb.toString();
  }

  private static URI uri(String raw) {
    try {
      URI u = URI.create(raw);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new ConfigException("endpoint", raw, "expected http(s)://host:port");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new ConfigException("endpoint", raw, "expected http(s)://host:port");
    }
  }

  private static boolean bool(Map<String, String> v, String key, boolean def) {
    String raw = v.get(key);
    if (raw == null) {
      return def;
    }
    switch (raw.toLowerCase(Locale.ROOT)) {
      case "true":
      case "yes":
      case "on":
        return true;
      case "false":
      case "no":
      case "off":
        return false;
      default:
        throw new ConfigException(key, raw, "expected true or false");
    }
  }

  private static int integer(Map<String, String> v, String key, int def, int min, int max) {
    String raw = v.get(key);
    if (raw == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(raw);
      if (n < min || n > max) {
        throw new ConfigException(key, raw, "expected an integer in [" + min + ", " + max + "]");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, raw, "expected an integer");
    }
  }

  /** Accepts 250ms, 10s, 5m, 1h, or a bare number of seconds. */
  static Duration duration(
      Map<String, String> v, String key, String def, Duration min, Duration max) {
    String raw = v.getOrDefault(key, def);
    Duration d;
    try {
      String s = raw.trim().toLowerCase(Locale.ROOT);
      if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      } else if (s.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1e3));
      } else if (s.endsWith("m")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()) * 60);
      } else if (s.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
      } else {
        d = Duration.ofMillis(Math.round(Double.parseDouble(s) * 1e3));
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(key, raw, "expected a duration such as 250ms, 10s, 5m");
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(key, raw, "expected between " + min + " and " + max);
    }
    return d;
  }

  /**
   * Whether the agent should instrument anything at all.
   *
   * @return false when disabled by option
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * The collector's base URL; {@code /v1/metrics} and {@code /v1/logs} are appended.
   *
   * @return the endpoint
   */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The configured service name, or null to derive one from the main class.
   *
   * @return the service name
   */
  public String service() {
    return service;
  }

  /**
   * The service version, or null.
   *
   * @return the version
   */
  public String serviceVersion() {
    return serviceVersion;
  }

  /**
   * The bearer token, or null.
   *
   * @return the token
   */
  public String token() {
    return token;
  }

  /**
   * The export interval.
   *
   * @return the interval
   */
  public Duration interval() {
    return interval;
  }

  /**
   * The timeout of one export request.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The longest wait between exports while the collector fails (at least the interval).
   *
   * @return the cap of the backoff
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * The hold time after which a lease is a suspected leak.
   *
   * @return the threshold
   */
  public Duration leakThreshold() {
    return leakThreshold;
  }

  /**
   * Whether borrower call sites are captured at all.
   *
   * @return true by default
   */
  public boolean leakCapture() {
    return leakCapture;
  }

  /**
   * How long a pool captures every borrow's call site after it showed a suspected leak.
   *
   * @return the window
   */
  public Duration leakCaptureWindow() {
    return leakCaptureWindow;
  }

  /**
   * One borrow in this many captures its call site outside a capture window; 0 = never.
   *
   * @return the sampling period
   */
  public int leakSampleRate() {
    return leakSampleRate;
  }

  /**
   * How many leak events are kept while the collector cannot be reached.
   *
   * @return the capacity
   */
  public int eventBuffer() {
    return eventBuffer;
  }

  /**
   * Whether to print diagnostics to stderr.
   *
   * @return false by default
   */
  public boolean debug() {
    return debug;
  }
}
