package io.poolscope.collector.internal.fleet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Notices deploys: a version that appears among a service's live pods next to (or instead of) the
 * versions seen before. The history charts mark them, since a new release is the usual reason a
 * fleet's connection use changes.
 */
public final class DeployTracker {

  /** {@code service} went from {@code from} to {@code to}; {@code targets} it uses. */
  public record Deploy(long time, String service, String from, String to, Set<String> targets) {
    /** {@code payments 1.4.2 -> 1.5.0}. */
    public String text() {
      return service + " " + from + " -> " + to;
    }
  }

  private final Map<String, Set<String>> versions = new HashMap<>();

  /** Compares the live versions with the previous call; the first call only records. */
  public synchronized List<Deploy> observe(FleetSnapshot fleet) {
    Map<String, Set<String>> live = new HashMap<>();
    Map<String, Set<String>> targets = new HashMap<>();
    for (PodView pod : fleet.pods()) {
      if (pod.stale() || pod.version() == null) {
        continue;
      }
      live.computeIfAbsent(pod.service(), k -> new TreeSet<>()).add(pod.version());
      Set<String> t = targets.computeIfAbsent(pod.service(), k -> new TreeSet<>());
      pod.totals().keySet().forEach(k -> t.add(k.id()));
    }
    List<Deploy> out = new ArrayList<>();
    live.forEach(
        (service, now) -> {
          Set<String> before = versions.get(service);
          if (before != null && !before.isEmpty()) {
            for (String v : now) {
              if (!before.contains(v)) {
                out.add(
                    new Deploy(
                        fleet.time(), service, String.join(",", before), v, targets.get(service)));
              }
            }
          }
          versions.put(service, now);
        });
    return out;
  }
}
