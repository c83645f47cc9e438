package io.poolscope.collector.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests (files, directories of {@code .yaml}/{@code .yml} files, or {@code -}
 * for standard input; multi-document; {@code kind: List} too) into the workloads that hold database
 * pools: Deployments and StatefulSets with their replicas, RollingUpdate surge, the
 * HorizontalPodAutoscaler that targets them, and their pools ({@link PoolSources}).
 */
public final class ManifestReader {
  private record Hpa(String namespace, String kind, String name, int min, int max) {}

  private record Found(YamlDocuments.Document doc, String base) {}

  private ManifestReader() {}

  /**
   * Reads {@code paths} in order; {@code -} reads {@code stdin}.
   *
   * @throws PlanInputException naming the file and line of the first thing that cannot be used
   */
  public static List<Workload> read(List<String> paths, InputStream stdin) {
    List<YamlDocuments.Document> docs = new ArrayList<>();
    for (String path : paths) {
      if ("-".equals(path)) {
        docs.addAll(
            YamlDocuments.read("<stdin>", new InputStreamReader(stdin, StandardCharsets.UTF_8)));
        continue;
      }
      Path p = Path.of(path);
      if (Files.isDirectory(p)) {
        for (Path f : yamlFiles(p)) {
          docs.addAll(readFile(f));
        }
      } else if (Files.isRegularFile(p)) {
        docs.addAll(readFile(p));
      } else {
        throw new PlanInputException(path, "no such file or directory");
      }
    }
    return workloads(docs);
  }

  /** The workloads of already parsed YAML text, for tests and the API. */
  static List<Workload> read(String source, Reader text) {
    return workloads(YamlDocuments.read(source, text));
  }

  private static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new PlanInputException(dir.toString(), "cannot list: " + e.getMessage());
    }
  }

  private static List<YamlDocuments.Document> readFile(Path f) {
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      return YamlDocuments.read(f.toString(), r);
    } catch (IOException e) {
      throw new PlanInputException(f.toString(), "cannot read: " + e.getMessage());
    }
  }

  private static List<Workload> workloads(List<YamlDocuments.Document> docs) {
    List<Found> found = new ArrayList<>();
    for (YamlDocuments.Document d : docs) {
      collect(d, "", found);
    }
    Map<String, Hpa> hpas = new HashMap<>();
    for (Found f : found) {
      if ("HorizontalPodAutoscaler".equals(kind(f))) {
        Hpa h = hpa(f);
        hpas.put(h.namespace() + "/" + h.kind() + "/" + h.name(), h);
      }
    }
    List<Workload> out = new ArrayList<>();
    for (Found f : found) {
      String kind = kind(f);
      if ("Deployment".equals(kind) || "StatefulSet".equals(kind)) {
        Workload w = workload(f, kind, hpas);
        if (!w.pools().isEmpty()) {
          out.add(w);
        }
      }
    }
    return out;
  }

  private static void collect(YamlDocuments.Document d, String base, List<Found> out) {
    JsonNode n = d.get(base);
    if (!n.isObject()) {
      throw new PlanInputException(d.at(base), "a Kubernetes object must be a mapping");
    }
    if ("List".equals(n.path("kind").asText()) || n.path("kind").asText().endsWith("List")) {
      JsonNode items = n.path("items");
      for (int i = 0; i < items.size(); i++) {
        collect(d, base + "/items/" + i, out);
      }
      return;
    }
    out.add(new Found(d, base));
  }

  private static String kind(Found f) {
    return f.doc().get(f.base() + "/kind").asText("");
  }

  private static Hpa hpa(Found f) {
    YamlDocuments.Document d = f.doc();
    String b = f.base();
    String ns = d.get(b + "/metadata/namespace").asText("");
    JsonNode ref = d.get(b + "/spec/scaleTargetRef");
    if (!ref.isObject() || !ref.hasNonNull("name")) {
      throw new PlanInputException(
          d.at(b + "/spec"), "HorizontalPodAutoscaler without spec.scaleTargetRef.name");
    }
    int max = integer(d, b + "/spec/maxReplicas", null, "maxReplicas");
    int min = integer(d, b + "/spec/minReplicas", 1, "minReplicas");
    return new Hpa(ns, ref.path("kind").asText("Deployment"), ref.get("name").asText(), min, max);
  }

  private static Workload workload(Found f, String kind, Map<String, Hpa> hpas) {
    YamlDocuments.Document d = f.doc();
    String b = f.base();
    String name = d.get(b + "/metadata/name").asText("");
    if (name.isEmpty()) {
      throw new PlanInputException(d.at(b + "/metadata"), kind + " without metadata.name");
    }
    String ns = d.get(b + "/metadata/namespace").asText("");
    Hpa hpa = hpas.get(ns + "/" + kind + "/" + name);
    int replicas = integer(d, b + "/spec/replicas", hpa == null ? 1 : hpa.min(), "replicas");
    Surge surge = Surge.NONE;
    if ("Deployment".equals(kind)
        && !"Recreate".equals(d.get(b + "/spec/strategy/type").asText())) {
      String at = b + "/spec/strategy/rollingUpdate/maxSurge";
      JsonNode s = d.get(at);
      if (s.isMissingNode() || s.isNull()) {
        surge = Surge.DEFAULT;
      } else {
        try {
          surge = s.isIntegralNumber() ? Surge.parse(s.asText()) : percentOnly(s.asText());
        } catch (IllegalArgumentException e) {
          throw new PlanInputException(d.at(at), e.getMessage());
        }
      }
    }
    String service = PoolSources.serviceName(d, b);
    return new Workload(
        service != null ? service : name,
        kind,
        name,
        ns,
        d.at(b + "/metadata/name"),
        replicas,
        hpa == null ? null : hpa.max(),
        surge,
        PoolSources.pools(d, b));
  }

  /** Kubernetes takes a string maxSurge only as a percentage. */
  private static Surge percentOnly(String text) {
    if (!text.trim().endsWith("%")) {
      throw new IllegalArgumentException(
          "maxSurge '" + text + "' must be a number of pods or a percentage like 25%");
    }
    return Surge.parse(text);
  }

  private static int integer(YamlDocuments.Document d, String pointer, Integer def, String what) {
    JsonNode n = d.get(pointer);
    if (n.isMissingNode() || n.isNull()) {
      if (def == null) {
        throw new PlanInputException(d.at(pointer), what + " is missing");
      }
      return def;
    }
    if (n.isIntegralNumber() && n.canConvertToInt() && n.intValue() >= 0) {
      return n.intValue();
    }
    throw new PlanInputException(
        d.at(pointer),
        what + " must be a whole number, not '" + PoolSources.clip(n.asText()) + "'");
  }
}
