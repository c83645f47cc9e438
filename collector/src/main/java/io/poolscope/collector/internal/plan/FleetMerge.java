package io.poolscope.collector.internal.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Completes what manifests declare with what the live fleet runs: pools a service's pods hold that
 * its manifest never mentions, servers it reaches that the manifest does not name, and the other
 * services on the same servers.
 */
public final class FleetMerge {
  /** The {@code where} of what only the live fleet shows. */
  public static final String FLEET = "fleet";

  private FleetMerge() {}

  /** The demands of {@code workloads}, completed from {@code live}. */
  public static List<Demand> merge(List<Workload> workloads, LiveFleet live) {
    List<Demand> out = new ArrayList<>();
    Set<String> planned = new HashSet<>();
    for (Workload w : workloads) {
      planned.add(w.service());
    }
    Set<String> seen = new HashSet<>();
    for (Workload w : workloads) {
      List<Demand> declared = Demand.of(w);
      boolean first = seen.add(w.service());
      for (Demand d : declared) {
        LiveFleet.Pod pod = first ? largestPod(live, d.server(), w.service()) : null;
        out.add(pod == null ? d : d.withPools(withUndeclared(d.pools(), pod, d.server())));
      }
      if (!first) {
        continue;
      }
      // Servers the service's pods reach that its manifest does not name.
      for (LiveFleet.Server s : live.servers().values()) {
        boolean named = declared.stream().anyMatch(d -> d.server().equals(s.key()));
        LiveFleet.Pod pod = largestPod(live, s.key(), w.service());
        if (!named && pod != null) {
          out.add(
              new Demand(
                  w.service(),
                  w.where(),
                  true,
                  s.system(),
                  s.key(),
                  w.replicas(),
                  w.ceiling(),
                  w.rollout(),
                  specs(pod.pools(), s)));
        }
      }
    }
    Set<ServerKey> servers = new HashSet<>();
    for (Demand d : out) {
      servers.add(d.server());
    }
    for (ServerKey key : servers) {
      LiveFleet.Server s = live.servers().get(key);
      if (s != null) {
        s.services()
            .forEach(
                (name, pods) -> {
                  if (!planned.contains(name)) {
                    out.add(asRunning(name, pods, s));
                  }
                });
      }
    }
    return out;
  }

  /** A service not in the plan, counted as it runs: its live pods, each like its largest. */
  public static Demand asRunning(String service, List<LiveFleet.Pod> pods, LiveFleet.Server s) {
    LiveFleet.Pod largest = largest(pods);
    return new Demand(
        service,
        FLEET,
        false,
        s.system(),
        s.key(),
        pods.size(),
        pods.size(),
        pods.size(),
        specs(largest.pools(), s));
  }

  /** The pod of {@code service} on {@code server} holding the most connections, or null. */
  static LiveFleet.Pod largestPod(LiveFleet live, ServerKey server, String service) {
    LiveFleet.Server s = live.servers().get(server);
    List<LiveFleet.Pod> pods = s == null ? null : s.services().get(service);
    return pods == null || pods.isEmpty() ? null : largest(pods);
  }

  private static LiveFleet.Pod largest(List<LiveFleet.Pod> pods) {
    return pods.stream()
        .max(
            Comparator.comparingLong(LiveFleet.Pod::connections)
                .thenComparingInt(p -> p.pools().size()))
        .orElseThrow();
  }

  /**
   * {@code declared} plus the live pod's pools none of them accounts for. Live pools are taken by
   * name (HikariCP's {@code poolName}, one name per pool in every worker); a declared pool of
   * {@code n} per pod accounts for {@code n} live pools of the name that fits it best: the same
   * name, else as many pools as declared, else the same max, else the most connections.
   */
  static List<PoolSpec> withUndeclared(
      List<PoolSpec> declared, LiveFleet.Pod pod, ServerKey server) {
    Map<String, List<LiveFleet.Pool>> groups = new LinkedHashMap<>();
    for (LiveFleet.Pool p : pod.pools()) {
      groups.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
    }
    for (PoolSpec spec : declared) {
      int need = spec.perPod();
      while (need > 0 && !groups.isEmpty()) {
        String best = null;
        long bestScore = -1;
        for (Map.Entry<String, List<LiveFleet.Pool>> g : groups.entrySet()) {
          List<LiveFleet.Pool> pools = g.getValue();
          long score =
              (g.getKey().equals(spec.name()) ? 8L : 0)
                  + (pools.size() == need ? 4 : 0)
                  + (pools.get(0).max() == spec.max() ? 2 : 0);
          // Ties go to the group holding the most connections.
          score =
              score * 1_000_000_000L
                  + Math.min(999_999_999L, (long) pools.size() * pools.get(0).max());
          if (score > bestScore) {
            bestScore = score;
            best = g.getKey();
          }
        }
        List<LiveFleet.Pool> taken = groups.get(best);
        int k = Math.min(need, taken.size());
        taken.subList(0, k).clear();
        need -= k;
        if (taken.isEmpty()) {
          groups.remove(best);
        }
      }
    }
    if (groups.isEmpty()) {
      return declared;
    }
    List<LiveFleet.Pool> left = new ArrayList<>();
    groups.values().forEach(left::addAll);
    List<PoolSpec> out = new ArrayList<>(declared);
    String system = declared.isEmpty() ? "" : declared.get(0).system();
    out.addAll(specs(left, system, server));
    return out;
  }

  private static List<PoolSpec> specs(List<LiveFleet.Pool> pools, LiveFleet.Server s) {
    return specs(pools, s.system(), s.key());
  }

  /** Live pools as specs: one per name and max, counted. */
  private static List<PoolSpec> specs(List<LiveFleet.Pool> pools, String system, ServerKey key) {
    Map<String, int[]> counts = new LinkedHashMap<>();
    Map<String, LiveFleet.Pool> first = new LinkedHashMap<>();
    for (LiveFleet.Pool p : pools) {
      String k = p.name() + "\u0000" + p.max();
      counts.computeIfAbsent(k, x -> new int[1])[0]++;
      first.putIfAbsent(k, p);
    }
    List<PoolSpec> out = new ArrayList<>();
    first.forEach(
        (k, p) -> out.add(new PoolSpec(system, key, p.name(), p.max(), counts.get(k)[0], FLEET)));
    return out;
  }
}
