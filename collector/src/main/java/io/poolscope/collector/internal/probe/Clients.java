package io.poolscope.collector.internal.probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The original client grouping (application name, user, client address) from the sessions. */
final class Clients {
  private Clients() {}

  private record Key(String applicationName, String user, String clientAddr) {}

  /** Sessions summed over the database, largest group first, then by name. */
  static List<ProbeResult.Client> of(List<ProbeResult.Session> sessions) {
    Map<Key, Integer> sums = new LinkedHashMap<>();
    for (ProbeResult.Session s : sessions) {
      sums.merge(new Key(s.applicationName(), s.role(), s.clientAddr()), s.count(), Integer::sum);
    }
    List<ProbeResult.Client> out = new ArrayList<>();
    sums.forEach(
        (k, n) ->
            out.add(new ProbeResult.Client(k.applicationName(), k.user(), k.clientAddr(), n)));
    out.sort(
        Comparator.comparingInt(ProbeResult.Client::count)
            .reversed()
            .thenComparing(c -> Objects.toString(c.applicationName(), ""))
            .thenComparing(c -> Objects.toString(c.user(), ""))
            .thenComparing(c -> Objects.toString(c.clientAddr(), "")));
    return out;
  }
}
