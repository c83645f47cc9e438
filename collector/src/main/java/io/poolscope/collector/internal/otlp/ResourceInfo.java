package io.poolscope.collector.internal.otlp;

import java.util.Map;

/** Who sent a batch: the OTLP resource attributes the fleet model keys on. */
record ResourceInfo(
    String service, String instanceId, String podName, String host, String version) {

  /** Null when the resource names no service, no way to tell JVMs apart, or a too long name. */
  static ResourceInfo of(Map<String, String> a) {
    String service = a.get("service.name");
    if (service == null || service.isEmpty()) {
      return null;
    }
    String host = a.get("host.name");
    String instance = a.get("service.instance.id");
    if (instance == null || instance.isEmpty()) {
      String pid = a.get("process.pid");
      if (host == null || pid == null) {
        return null;
      }
      instance = service + "@" + host + ":" + pid;
    }
    String pod = a.getOrDefault("k8s.pod.name", host != null ? host : instance);
    String version = a.getOrDefault("service.version", a.get("poolscope.agent.version"));
    for (String v : new String[] {service, instance, pod, host, version}) {
      if (!Attributes.ok(v)) {
        return null;
      }
    }
    return new ResourceInfo(service, instance, pod, host, version);
  }
}
