package io.poolscope.agent.internal.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.UUID;

/** The OpenTelemetry resource: who this JVM is. */
public final class ResourceFactory {
  private ResourceFactory() {}

  /**
   * Builds the resource.
   *
   * @param service the configured service name, or null
   * @param serviceVersion the service version, or null
   * @param agentVersion the agent's version
   * @param env the environment
   * @return the resource
   */
  public static Resource create(
      String service, String serviceVersion, String agentVersion, Map<String, String> env) {
    AttributesBuilder b = Attributes.builder();
    b.put(AttributeKey.stringKey("service.name"), service != null ? service : fromMainClass());
    b.put(AttributeKey.stringKey("service.instance.id"), UUID.randomUUID().toString());
    if (serviceVersion != null) {
      b.put(AttributeKey.stringKey("service.version"), serviceVersion);
    }
    String host = hostName(env);
    if (host != null) {
      b.put(AttributeKey.stringKey("host.name"), host);
    }
    b.put(AttributeKey.longKey("process.pid"), ProcessHandle.current().pid());
    b.put(AttributeKey.stringKey("process.runtime.version"), System.getProperty("java.version"));
    boolean k8s = env.containsKey("KUBERNETES_SERVICE_HOST");
    String pod = first(env, "POD_NAME", "K8S_POD_NAME");
    if (pod == null && k8s) {
      pod = env.get("HOSTNAME");
    }
    if (pod != null) {
      b.put(AttributeKey.stringKey("k8s.pod.name"), pod);
    }
    String ns = first(env, "POD_NAMESPACE", "K8S_NAMESPACE", "K8S_NAMESPACE_NAME");
    if (ns == null && k8s) {
      ns = read(Paths.get("/var/run/secrets/kubernetes.io/serviceaccount/namespace"));
    }
    if (ns != null) {
      b.put(AttributeKey.stringKey("k8s.namespace.name"), ns);
    }
    b.put(AttributeKey.stringKey("poolscope.agent.version"), agentVersion);
    b.put(AttributeKey.stringKey("telemetry.sdk.name"), "poolscope");
    b.put(AttributeKey.stringKey("telemetry.sdk.language"), "java");
    return Resource.create(b.build());
  }

  private static String first(Map<String, String> env, String... keys) {
    for (String k : keys) {
      String v = env.get(k);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  private static String read(Path p) {
    try {
      return Files.exists(p)
          ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim()
          : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static String hostName(Map<String, String> env) {
    String h = env.get("HOSTNAME");
    if (h == null || h.isEmpty()) {
      h = read(Paths.get("/etc/hostname"));
    }
    if (h == null || h.isEmpty()) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        h = null;
      }
    }
    return h;
  }

  /** {@code java -jar orders.jar} gives "orders"; {@code java com.acme.Main} gives "Main". */
  static String fromMainClass() {
    String cmd = System.getProperty("sun.java.command", "");
    String first = cmd.trim().isEmpty() ? "" : cmd.trim().split("\\s+")[0];
    if (first.endsWith(".jar")) {
      String file = Paths.get(first).getFileName().toString();
      return file.substring(0, file.length() - 4);
    }
    int dot = first.lastIndexOf('.');
    String simple = dot >= 0 ? first.substring(dot + 1) : first;
    return simple.isEmpty() ? "unknown_service:java" : simple;
  }
}
