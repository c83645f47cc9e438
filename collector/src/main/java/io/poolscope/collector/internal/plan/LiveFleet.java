package io.poolscope.collector.internal.plan;

import java.util.List;
import java.util.Map;

/**
 * The live fleet as the plan needs it, per database server: its limit, and for each service its
 * live pods (the JVMs reporting one pod name together: a pod's workers) with their pools there.
 */
public record LiveFleet(Map<ServerKey, Server> servers) {

  /** One server: system, limit (null when the collector knows none), services by name. */
  public record Server(
      ServerKey key, String system, Limit limit, Map<String, List<Pod>> services) {}

  /** One pod and its pools on one server. */
  public record Pod(String name, List<Pool> pools) {
    /** The sum of its pools' max. */
    public long connections() {
      long n = 0;
      for (Pool p : pools) {
        n += p.max();
      }
      return n;
    }
  }

  /** One live pool: its name and configured max. */
  public record Pool(String name, int max) {}
}
