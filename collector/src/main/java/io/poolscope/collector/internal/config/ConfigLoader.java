package io.poolscope.collector.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.poolscope.collector.CollectorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the YAML file into flat keys ({@code databases.0.probe.url}), overlays {@code POOLSCOPE_*}
 * environment variables and converts the result into a validated {@link CollectorConfig}. Keys are
 * flattened first so a file and the environment go through one parser and one error message.
 */
public final class ConfigLoader {

  /** Every scalar key; {@code #} stands for a list index. */
  static final List<String> KEYS =
      List.of(
          "server.host",
          "server.port",
          "ingest.token",
          "ingest.maxBodyBytes",
          "ingest.rateLimit",
          "api.token",
          "fleet.exportInterval",
          "fleet.retention",
          "store.url",
          "store.user",
          "store.password",
          "store.retention",
          "store.historyStep",
          "probe.interval",
          "probe.timeout",
          "budget.headroom",
          "alerts.rules",
          "alerts.externalUrl",
          "alerts.notifiers.#.name",
          "alerts.notifiers.#.type",
          "alerts.notifiers.#.url",
          "alerts.notifiers.#.routingKey",
          "alerts.notifiers.#.match.*",
          "alerts.notifiers.#.matchRegex.*",
          "alerts.notifiers.#.groupBy",
          "alerts.notifiers.#.groupBy.*",
          "alerts.notifiers.#.groupWait",
          "alerts.notifiers.#.groupInterval",
          "alerts.notifiers.#.repeatInterval",
          "databases.#.id",
          "databases.#.maxConnections",
          "databases.#.reserved",
          "databases.#.probe.url",
          "databases.#.probe.user",
          "databases.#.probe.password",
          "servers.#.id",
          "servers.#.maxConnections",
          "servers.#.reserved",
          "servers.#.probe.url",
          "servers.#.probe.user",
          "servers.#.probe.password",
          "servers.#.aliases",
          "servers.#.aliases.#",
          "services.#.name",
          "services.#.maxReplicas");

  private static final Pattern INDEX = Pattern.compile("\\.(\\d+)\\.");
  private static final Pattern TRAILING_INDEX = Pattern.compile("\\.(\\d+)$");

  private ConfigLoader() {}

  /** Loads {@code file} (may be null) with {@code env} overrides. */
  public static CollectorConfig load(Path file, Map<String, String> env) {
    Map<String, String> flat = new TreeMap<>();
    if (file != null) {
      flatten(readYaml(file), "", flat);
    }
    overlayEnvironment(env, flat);
    for (String key : flat.keySet()) {
      if (!KEYS.contains(template(key)) && !KEYS.contains(wildcard(template(key)))) {
        throw new IllegalArgumentException(
            "invalid configuration: unknown key " + key + " = '" + flat.get(key) + "'");
      }
    }
    return toConfig(flat);
  }

  private static JsonNode readYaml(Path file) {
    try {
      String text = Files.readString(file);
      JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(text);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "invalid configuration: --config = '" + file + "' cannot be read: " + e.getMessage(), e);
    }
  }

  private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
    if (node == null || node.isNull()) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(e.getValue(), prefix + e.getKey() + ".", out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(node.get(i), prefix + i + ".", out);
      }
    } else {
      out.put(prefix.substring(0, prefix.length() - 1), node.asText());
    }
  }

  /**
   * {@code databases.#.maxConnections} becomes {@code POOLSCOPE_DATABASES_(\d+)_MAX_CONNECTIONS}.
   */
  private static void overlayEnvironment(Map<String, String> env, Map<String, String> flat) {
    for (String key : KEYS) {
      if (key.endsWith("*")) {
        // Label names are not environment-variable safe; these come from the file only.
        continue;
      }
      String regex =
          "POOLSCOPE_"
              + key.replaceAll("([a-z])([A-Z])", "$1_$2")
                  .toUpperCase()
                  .replace(".", "_")
                  .replace("#", "(\\d+)");
      Pattern p = Pattern.compile(regex);
      for (Map.Entry<String, String> e : env.entrySet()) {
        Matcher m = p.matcher(e.getKey());
        if (m.matches()) {
          String resolved = key;
          for (int g = 1; g <= m.groupCount(); g++) {
            resolved = resolved.replaceFirst("#", m.group(g));
          }
          flat.put(resolved, e.getValue());
        }
      }
    }
  }

  /** {@code alerts.notifiers.#.match.severity} -> {@code alerts.notifiers.#.match.*}. */
  static String wildcard(String template) {
    int dot = template.lastIndexOf('.');
    return dot < 0 ? template : template.substring(0, dot) + ".*";
  }

  static String template(String key) {
    String t = INDEX.matcher(key).replaceAll(".#.");
    // Twice, because adjacent indices share a dot; then a list index at the end (aliases.0).
    return TRAILING_INDEX.matcher(INDEX.matcher(t).replaceAll(".#.")).replaceAll(".#");
  }

  private static CollectorConfig toConfig(Map<String, String> f) {
    CollectorConfig.Builder b = CollectorConfig.builder();
    str(f, "server.host", b::host);
    integer(f, "server.port", b::port);
    str(f, "ingest.token", b::ingestToken);
    parse(f, "ingest.maxBodyBytes", ConfigLoader::parseBytes, b::maxBodyBytes);
    parse(f, "ingest.rateLimit", Double::parseDouble, b::ingestRateLimit);
    str(f, "api.token", b::apiToken);
    parse(f, "fleet.exportInterval", ConfigLoader::parseDuration, b::exportInterval);
    parse(f, "fleet.retention", ConfigLoader::parseDuration, b::fleetRetention);
    str(f, "store.url", b::storeUrl);
    str(f, "store.user", b::storeUser);
    str(f, "store.password", b::storePassword);
    parse(f, "store.retention", ConfigLoader::parseDuration, b::storeRetention);
    parse(f, "store.historyStep", ConfigLoader::parseDuration, b::historyStep);
    parse(f, "probe.interval", ConfigLoader::parseDuration, b::probeInterval);
    parse(f, "probe.timeout", ConfigLoader::parseDuration, b::probeTimeout);
    integer(f, "budget.headroom", b::headroom);
    parse(f, "alerts.rules", Path::of, b::alertRules);
    str(f, "alerts.externalUrl", b::externalUrl);
    List<CollectorConfig.Notifier> notifiers = new ArrayList<>();
    for (int i = 0; i < count(f, "alerts.notifiers."); i++) {
      String k = "alerts.notifiers." + i + ".";
      Duration[] grouping = new Duration[3];
      parse(f, k + "groupWait", ConfigLoader::parseDuration, d -> grouping[0] = d);
      parse(f, k + "groupInterval", ConfigLoader::parseDuration, d -> grouping[1] = d);
      parse(f, k + "repeatInterval", ConfigLoader::parseDuration, d -> grouping[2] = d);
      notifiers.add(
          new CollectorConfig.Notifier(
                  f.get(k + "name"),
                  f.get(k + "type"),
                  f.get(k + "url"),
                  f.get(k + "routingKey"),
                  sub(f, k + "match."),
                  sub(f, k + "matchRegex."))
              .withGrouping(groupBy(f, k + "groupBy"), grouping[0], grouping[1], grouping[2]));
    }
    b.notifiers(notifiers);
    List<CollectorConfig.Database> dbs = new ArrayList<>();
    for (int i = 0; i < count(f, "databases."); i++) {
      String k = "databases." + i + ".";
      dbs.add(
          new CollectorConfig.Database(
              f.get(k + "id"),
              optInt(f, k + "maxConnections"),
              optInt(f, k + "reserved"),
              f.get(k + "probe.url"),
              f.get(k + "probe.user"),
              f.get(k + "probe.password")));
    }
    b.databases(dbs);
    List<CollectorConfig.Server> servers = new ArrayList<>();
    for (int i = 0; i < count(f, "servers."); i++) {
      String k = "servers." + i + ".";
      servers.add(
          new CollectorConfig.Server(
              f.get(k + "id"),
              optInt(f, k + "maxConnections"),
              optInt(f, k + "reserved"),
              f.get(k + "probe.url"),
              f.get(k + "probe.user"),
              f.get(k + "probe.password"),
              aliases(f, k + "aliases")));
    }
    b.servers(servers);
    List<CollectorConfig.Service> services = new ArrayList<>();
    for (int i = 0; i < count(f, "services."); i++) {
      String k = "services." + i + ".";
      Integer max = optInt(f, k + "maxReplicas");
      services.add(new CollectorConfig.Service(f.get(k + "name"), max == null ? 0 : max));
    }
    b.services(services);
    return b.build();
  }

  /**
   * A YAML list ({@code groupBy: [alertname, db]}, flattened to {@code groupBy.0}, ...) or a
   * comma-separated value, as an environment variable gives it; {@code null} when absent.
   */
  private static List<String> groupBy(Map<String, String> f, String key) {
    List<String> items = stringList(f, key);
    return items.isEmpty() ? null : items;
  }

  /** {@code aliases: [a, b]} in a file, or {@code a,b} as one value (an environment variable). */
  private static List<String> aliases(Map<String, String> f, String key) {
    return stringList(f, key);
  }

  /** A list of strings at {@code key}: a YAML list, a comma-separated value, or both. */
  private static List<String> stringList(Map<String, String> f, String key) {
    List<String> out = new ArrayList<>();
    String joined = f.get(key);
    if (joined != null) {
      for (String a : joined.split(",")) {
        if (!a.isBlank()) {
          out.add(a.trim());
        }
      }
    }
    // A list at the end of a key: count() reads only indices followed by a dot.
    Map<Integer, String> listed = new TreeMap<>();
    f.forEach(
        (k, v) -> {
          if (k.startsWith(key + ".") && k.substring(key.length() + 1).matches("\\d+")) {
            listed.put(Integer.parseInt(k.substring(key.length() + 1)), v.trim());
          }
        });
    out.addAll(listed.values());
    return out;
  }

  private static Map<String, String> sub(Map<String, String> f, String prefix) {
    Map<String, String> out = new TreeMap<>();
    f.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  private static int count(Map<String, String> f, String prefix) {
    int n = 0;
    for (String key : f.keySet()) {
      if (key.startsWith(prefix)) {
        String rest = key.substring(prefix.length());
        n = Math.max(n, Integer.parseInt(rest.substring(0, rest.indexOf('.'))) + 1);
      }
    }
    return n;
  }

  private static void str(
      Map<String, String> f, String key, java.util.function.Consumer<String> setter) {
    if (f.containsKey(key)) {
      setter.accept(f.get(key));
    }
  }

  private static void integer(
      Map<String, String> f, String key, java.util.function.IntConsumer setter) {
    Integer v = optInt(f, key);
    if (v != null) {
      setter.accept(v);
    }
  }

  private static Integer optInt(Map<String, String> f, String key) {
    String v = f.get(key);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(v.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, v, "an integer");
    }
  }

  private static <T> void parse(
      Map<String, String> f,
      String key,
      Function<String, T> parser,
      java.util.function.Consumer<T> setter) {
    String v = f.get(key);
    if (v == null || v.isBlank()) {
      return;
    }
    T parsed;
    try {
      parsed = parser.apply(v.trim());
    } catch (RuntimeException e) {
      throw invalid(key, v, e.getMessage());
    }
    setter.accept(parsed);
  }

  private static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(
        "invalid configuration: " + key + " = '" + value + "' (expected " + expected + ")");
  }

  /** Accepts {@code 200ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 30d} or ISO-8601. */
  public static Duration parseDuration(String v) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("a duration such as 200ms, 10s, 5m, 2h, 30d");
    }
  }

  /** Accepts a byte count, or one with a {@code KiB}/{@code MiB} suffix. */
  public static long parseBytes(String v) {
    Matcher m = Pattern.compile("(\\d+)\\s*(|KiB|MiB|KB|MB)").matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException("a size in bytes such as 4194304 or 4MiB");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "KiB", "KB" -> n * 1024;
      case "MiB", "MB" -> n * 1024 * 1024;
      default -> n;
    };
  }
}
