package io.poolscope.collector.internal.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pools a pod template declares: the {@code poolscope.io/pools} annotation where present,
 * otherwise each container's environment in the conventions of the frameworks below. Workers per
 * pod (processes that each hold their own pools) come from {@code poolscope.io/workers}, else the
 * container's {@code WEB_CONCURRENCY}, else 1.
 */
final class PoolSources {
  static final String POOLS = "poolscope.io/pools";
  static final String WORKERS = "poolscope.io/workers";
  static final String SERVICE = "poolscope.io/service";

  private static final ObjectMapper ANNOTATION = new ObjectMapper(new YAMLFactory());

  /** An environment convention: the URL variable, the pool size variable and its default. */
  record Convention(String framework, String urlVar, String maxVar, int defaultMax) {}

  /** The conventions read from a container's environment, in this order. */
  static final List<Convention> CONVENTIONS =
      List.of(
          new Convention(
              "Spring Boot (HikariCP)",
              "SPRING_DATASOURCE_URL",
              "SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE",
              10),
          new Convention(
              "Quarkus (Agroal)",
              "QUARKUS_DATASOURCE_JDBC_URL",
              "QUARKUS_DATASOURCE_JDBC_MAX_SIZE",
              20),
          new Convention(
              "Micronaut (HikariCP)",
              "DATASOURCES_DEFAULT_URL",
              "DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE",
              10));

  private PoolSources() {}

  /** An environment variable: its value (null when it comes from a secret or field) and node. */
  private record Env(String value, String pointer) {}

  /**
   * The pools of the workload at {@code base} in {@code d}.
   *
   * @throws PlanInputException naming the file and line of a value that cannot be used
   */
  static List<PoolSpec> pools(YamlDocuments.Document d, String base) {
    String tpl = base + "/spec/template";
    String annotationsAt = annotationsPointer(d, base);
    JsonNode annotations = annotationsAt == null ? null : d.get(annotationsAt);
    Integer workers = null;
    if (annotations != null && annotations.has(WORKERS)) {
      String at = annotationsAt + "/" + WORKERS.replace("/", "~1");
      workers = positive(d, at, WORKERS);
    }
    JsonNode containers = d.get(tpl + "/spec/containers");
    if (annotations != null && annotations.has(POOLS)) {
      for (int c = 0; workers == null && c < containers.size(); c++) {
        Env e = env(d, tpl + "/spec/containers/" + c).get("WEB_CONCURRENCY");
        if (e != null && e.value() != null) {
          workers = positive(d, e.pointer(), "WEB_CONCURRENCY");
        }
      }
      return fromAnnotation(d, annotationsAt + "/" + POOLS.replace("/", "~1"), workers);
    }
    List<PoolSpec> out = new ArrayList<>();
    for (int c = 0; c < containers.size(); c++) {
      String cp = tpl + "/spec/containers/" + c;
      Map<String, Env> env = env(d, cp);
      int w = workers != null ? workers : 1;
      if (workers == null && env.containsKey("WEB_CONCURRENCY")) {
        Env e = env.get("WEB_CONCURRENCY");
        w = e.value() == null ? 1 : positive(d, e.pointer(), "WEB_CONCURRENCY");
      }
      String container = d.get(cp + "/name").asText("container " + c);
      for (Convention conv : CONVENTIONS) {
        Env url = env.get(conv.urlVar());
        Env max = env.get(conv.maxVar());
        if (url == null && max == null) {
          continue;
        }
        if (url == null || url.value() == null) {
          String at = d.at(url != null ? url.pointer() : max.pointer());
          throw new PlanInputException(
              at,
              "container "
                  + container
                  + ": "
                  + conv.urlVar()
                  + (url == null ? " is not set" : " comes from a secret or field")
                  + ", so the server is unknown; state it in the "
                  + POOLS
                  + " annotation");
        }
        DatabaseUrls.Server server = DatabaseUrls.parse(url.value());
        if (server == null) {
          throw new PlanInputException(
              d.at(url.pointer()),
              conv.urlVar()
                  + " is not a PostgreSQL, MySQL or MariaDB URL with a host; state the server in"
                  + " the "
                  + POOLS
                  + " annotation");
        }
        int size = max == null || max.value() == null ? conv.defaultMax() : number(d, max, conv);
        out.add(
            new PoolSpec(
                server.system(),
                server.key(),
                container,
                size,
                w,
                d.at(max != null ? max.pointer() : url.pointer())));
      }
    }
    return out;
  }

  /** The service name: annotation, else OTEL_SERVICE_NAME / POOLSCOPE_SERVICE, else null. */
  static String serviceName(YamlDocuments.Document d, String base) {
    String at = annotationsPointer(d, base);
    if (at != null && d.get(at).has(SERVICE)) {
      return d.get(at).get(SERVICE).asText();
    }
    JsonNode containers = d.get(base + "/spec/template/spec/containers");
    for (int c = 0; c < containers.size(); c++) {
      Map<String, Env> env = env(d, base + "/spec/template/spec/containers/" + c);
      for (String name : new String[] {"POOLSCOPE_SERVICE", "OTEL_SERVICE_NAME"}) {
        Env e = env.get(name);
        if (e != null && e.value() != null && !e.value().isBlank()) {
          return e.value().trim();
        }
      }
    }
    return null;
  }

  /** The pod template's annotations, else the workload's; null when neither has ours. */
  private static String annotationsPointer(YamlDocuments.Document d, String base) {
    for (String p :
        new String[] {
          base + "/spec/template/metadata/annotations", base + "/metadata/annotations"
        }) {
      JsonNode a = d.get(p);
      if (a.isObject() && (a.has(POOLS) || a.has(WORKERS) || a.has(SERVICE))) {
        return p;
      }
    }
    return null;
  }

  private static Map<String, Env> env(YamlDocuments.Document d, String container) {
    Map<String, Env> out = new LinkedHashMap<>();
    JsonNode env = d.get(container + "/env");
    for (int i = 0; i < env.size(); i++) {
      JsonNode e = env.get(i);
      String p = container + "/env/" + i;
      if (e.hasNonNull("name")) {
        boolean literal = e.has("value") && !e.get("value").isNull();
        out.put(
            e.get("name").asText(),
            new Env(literal ? e.get("value").asText() : null, literal ? p + "/value" : p));
      }
    }
    return out;
  }

  private static int number(YamlDocuments.Document d, Env e, Convention conv) {
    try {
      int v = Integer.parseInt(e.value().trim());
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // Reported below with the value.
    }
    throw new PlanInputException(
        d.at(e.pointer()),
        conv.maxVar() + " must be a whole number of connections, not '" + clip(e.value()) + "'");
  }

  private static int positive(YamlDocuments.Document d, String pointer, String what) {
    JsonNode n = d.get(pointer);
    String text = n.asText();
    try {
      int v = Integer.parseInt(text.trim());
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // Reported below with the value.
    }
    throw new PlanInputException(
        d.at(pointer), what + " must be a whole number of at least 1, not '" + clip(text) + "'");
  }

  private static List<PoolSpec> fromAnnotation(
      YamlDocuments.Document d, String pointer, Integer workers) {
    String at = d.at(pointer);
    JsonNode list;
    try {
      list = ANNOTATION.readTree(d.get(pointer).asText());
    } catch (JsonProcessingException e) {
      throw new PlanInputException(
          at, POOLS + " is not a JSON list: " + PlanInputException.oneLine(e.getOriginalMessage()));
    }
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new PlanInputException(
          at,
          POOLS
              + " must be a JSON list like [{\"url\": \"jdbc:postgresql://host:5432/db\", \"max\": 10}]");
    }
    List<PoolSpec> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode p = list.get(i);
      String entry = POOLS + " entry " + (i + 1);
      if (!p.isObject()) {
        throw new PlanInputException(at, entry + " is not an object");
      }
      DatabaseUrls.Server server;
      if (p.hasNonNull("server")) {
        try {
          ServerKey key = ServerKey.parse(p.get("server").asText());
          server = new DatabaseUrls.Server(p.path("system").asText("postgresql"), key);
        } catch (IllegalArgumentException e) {
          throw new PlanInputException(at, entry + ": server " + e.getMessage());
        }
      } else if (p.hasNonNull("url")) {
        server = DatabaseUrls.parse(p.get("url").asText());
        if (server == null) {
          throw new PlanInputException(
              at, entry + ": url is not a PostgreSQL, MySQL or MariaDB URL with a host");
        }
      } else {
        throw new PlanInputException(at, entry + " needs a url or a server (host:port)");
      }
      int max = entryNumber(p, "max", null, at, entry);
      int count = entryNumber(p, "count", workers == null ? 1 : workers, at, entry);
      String name = p.path("name").asText("pool " + (i + 1));
      out.add(new PoolSpec(server.system(), server.key(), name, max, count, at));
    }
    return out;
  }

  private static int entryNumber(JsonNode p, String field, Integer def, String at, String entry) {
    JsonNode n = p.get(field);
    if (n == null || n.isNull()) {
      if (def == null) {
        throw new PlanInputException(at, entry + " needs " + field);
      }
      return def;
    }
    if (n.canConvertToInt() && n.isIntegralNumber() && n.intValue() >= 1) {
      return n.intValue();
    }
    throw new PlanInputException(
        at,
        entry
            + ": "
            + field
            + " must be a whole number of at least 1, not '"
            + clip(n.asText())
            + "'");
  }

  static String clip(String v) {
    return v.length() > 40 ? v.substring(0, 40) + "..." : v;
  }
}
