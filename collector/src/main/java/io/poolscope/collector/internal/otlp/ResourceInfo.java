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
      if (host == null || a.get("process.pid") == null) {
        return null;
      }
      instance = service + "@" + host + ":" + a.get("process.pid");
    }
    String pid = a.get("process.pid");
    // Outside Kubernetes several JVMs share a host name: host and process id tell them apart.
    String pod = a.get("k8s.pod.name");
    if (pod == null || pod.isEmpty()) {
      pod = host != null && pid != null ? host + ":" + pid : host != null ? host : instance;
    }
    // The service's own version or none: the agent's version says nothing about the service.
    String version = a.get("service.version");
    for (String v : new String[] {service, instance, pod, host, version}) {
      if (!Attributes.ok(v)) {
        return null;
      }
    }
    return new ResourceInfo(service, instance, pod, host, version);
  }
}
