package io.poolscope.collector.internal.replication;

import io.poolscope.collector.internal.leader.AdvisoryLock;
import io.poolscope.collector.internal.leader.Leadership;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Which collectors share a store: those on PostgreSQL; an H2 store is one collector's own. */
public final class Replicas {
  private Replicas() {}

  /** Whether collectors on {@code storeUrl} share their fleet and elect a leader. */
  public static boolean shared(String storeUrl) {
    return storeUrl.startsWith("jdbc:postgresql:");
  }

  /** The leadership for a store: an advisory lock on PostgreSQL, always leading otherwise. */
  public static Leadership leadership(String url, String user, String password) {
    return shared(url) ? new AdvisoryLock(url, user, password) : Leadership.SINGLE;
  }

  /**
   * This process's replica id: the host name (the Kubernetes pod name) and a random suffix, so a
   * restarted replica never mistakes the rows of its previous life for its own.
   */
  public static String newId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "collector");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The health fields of a replica: store reachability and leader state. */
  public static Map<String, Object> health(String replica, boolean storeOk, Leadership l) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!storeOk) {
      out.put("status", "store_unavailable");
    }
    out.put("replica", replica);
    out.put("store", storeOk ? "ok" : "unreachable");
    // Without the store no replica can hold (or know of) the lock.
    out.put("leader", storeOk ? l.state() : "unknown");
    return out;
  }
}
