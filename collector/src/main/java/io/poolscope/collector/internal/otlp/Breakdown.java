package io.poolscope.collector.internal.otlp;

import io.poolscope.collector.internal.fleet.Metrics;
import io.poolscope.collector.internal.fleet.PodReport;
import io.poolscope.collector.internal.fleet.Point;
import io.poolscope.collector.internal.fleet.TargetKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code db.user} on open points and {@code poolscope.refused.limit} on refused points: kept per
 * point in {@link PodReport#breakdown()}, bounded in length and number, and summed away in {@link
 * PodReport#points()}, so that whatever reads one open point per target and one refused series per
 * target and SQLState reads the same figures as before these attributes existed.
 */
final class Breakdown {
  /** Longest database user name kept; a longer one is read as no user rather than cut. */
  static final int MAX_USER = 128;

  /** Most database users kept per pod and target; the rest are summed as no user. */
  static final int MAX_USERS_PER_TARGET = 32;

  /** The values of {@code poolscope.refused.limit}; anything else is read as unknown. */
  static final Set<String> LIMITS =
      Set.of("server", "reserved", "role", "database", "account", "unknown");

  private Breakdown() {}

  /** A user name as sent, or null when absent, empty, too long or not printable. */
  static String user(String u) {
    if (u == null || u.isEmpty() || u.length() > MAX_USER) {
      return null;
    }
    for (int i = 0; i < u.length(); i++) {
      if (Character.isISOControl(u.charAt(i))) {
        return null;
      }
    }
    return u;
  }

  /** A refusal limit as sent, {@code unknown} for a value outside the contract, null if absent. */
  static String limit(String l) {
    if (l == null) {
      return null;
    }
    return LIMITS.contains(l) ? l : "unknown";
  }

  private record Key(
      String metric,
      Point.Temporality temporality,
      TargetKey target,
      String pool,
      String attr,
      String poolType,
      String dbUser,
      String refusedLimit) {}

  /** The report with open and refused points summed per target, their breakdown kept aside. */
  static PodReport collapse(PodReport r) {
    List<Point> points = new ArrayList<>(r.points().size());
    Map<Key, Point> summed = new LinkedHashMap<>();
    Map<Key, Point> detail = new LinkedHashMap<>();
    Map<TargetKey, Set<String>> users = new HashMap<>();
    for (Point p : r.points()) {
      boolean split = Metrics.OPEN.equals(p.metric()) || Metrics.REFUSED.equals(p.metric());
      if (!split) {
        points.add(p);
        continue;
      }
      add(summed, p, null, null);
      if (p.dbUser() != null || p.refusedLimit() != null) {
        String user = p.dbUser();
        if (user != null) {
          Set<String> seen = users.computeIfAbsent(p.target(), t -> new HashSet<>());
          if (!seen.contains(user) && seen.size() >= MAX_USERS_PER_TARGET) {
            user = null;
          } else {
            seen.add(user);
          }
        }
        add(detail, p, user, p.refusedLimit());
      }
    }
    points.addAll(summed.values());
    return new PodReport(
        r.service(),
        r.instanceId(),
        r.podName(),
        r.host(),
        r.version(),
        points,
        new ArrayList<>(detail.values()));
  }

  private static void add(Map<Key, Point> into, Point p, String user, String limit) {
    Key k =
        new Key(
            p.metric(), p.temporality(), p.target(), p.pool(), p.attr(), p.poolType(), user, limit);
    Point prev = into.get(k);
    double value = prev == null ? p.value() : prev.value() + p.value();
    long start = prev == null ? p.startNanos() : prev.startNanos();
    into.put(
        k,
        new Point(
            p.metric(),
            p.temporality(),
            p.target(),
            p.pool(),
            p.attr(),
            p.poolType(),
            value,
            null,
            start,
            user,
            limit));
  }
}
