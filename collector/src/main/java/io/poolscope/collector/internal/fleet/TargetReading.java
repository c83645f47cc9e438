package io.poolscope.collector.internal.fleet;

import java.util.HashMap;
import java.util.Map;

/**
 * What one export said about one database target at the process level (no pool name).
 *
 * @param open {@code poolscope.connection.open}, null when not sent: the sum over database users
 * @param openByUser the same by {@code db.user} ({@link #NO_USER} for points without one, or beyond
 *     {@link #MAX_USERS} users)
 * @param refused {@code poolscope.connection.refused} by {@code error.type}, summed over limits
 * @param refusedByLimit the same by {@code poolscope.refused.limit} (server, reserved, role,
 *     database, account, unknown), for points that carried one
 * @param created {@code poolscope.pool.created} by {@code poolscope.pool.type}
 * @param closed {@code poolscope.pool.closed} by {@code poolscope.pool.type}
 */
public record TargetReading(
    TargetKey target,
    Double open,
    Map<String, Double> openByUser,
    Map<String, CounterReading> refused,
    Map<String, CounterReading> refusedByLimit,
    Map<String, CounterReading> created,
    Map<String, CounterReading> closed) {

  /** The {@link #openByUser} key of connections whose user was not sent or not kept. */
  public static final String NO_USER = "";

  /** Most database users kept per pod and target; the rest are summed under {@link #NO_USER}. */
  public static final int MAX_USERS = 32;

  /** Longest database user name kept; a longer one reads as no user rather than cut. */
  public static final int MAX_USER_LENGTH = 128;

  /** The values of {@code poolscope.refused.limit}; anything else reads as {@code unknown}. */
  public static final java.util.Set<String> LIMITS =
      java.util.Set.of("server", "reserved", "role", "database", "account", "unknown");

  /** Collects the data points of one target as the decoder meets them. */
  public static final class Builder {
    private final TargetKey target;
    private final Map<String, Double> openByUser = new java.util.LinkedHashMap<>();
    // One series per (error.type, poolscope.refused.limit or null): summed per key at build.
    private final Map<java.util.List<String>, CounterReading> refusedSeries =
        new java.util.LinkedHashMap<>();
    private final Map<String, CounterReading> created = new HashMap<>();
    private final Map<String, CounterReading> closed = new HashMap<>();

    /** Readings of {@code target}. */
    public Builder(TargetKey target) {
      this.target = target;
    }

    /** Physical connections open, the user not told. */
    public Builder open(double v) {
      return open(null, v);
    }

    /**
     * Physical connections open as one database user; a later point of the same user replaces an
     * earlier one (two resources of one JVM in a request), points of different users add up.
     *
     * @param user {@code db.user}, or null when not sent
     */
    public Builder open(String user, double v) {
      String key = user(user);
      int users = openByUser.size() - (openByUser.containsKey(NO_USER) ? 1 : 0);
      if (!key.equals(NO_USER) && !openByUser.containsKey(key) && users >= MAX_USERS) {
        openByUser.merge(NO_USER, v, Double::sum);
      } else {
        openByUser.put(key, v);
      }
      return this;
    }

    /**
     * Refused opens of one SQLState, by the limit that refused them.
     *
     * @param limit {@code poolscope.refused.limit}, or null when not sent
     */
    public Builder refused(String errorType, String limit, CounterReading v) {
      String l = limit == null ? null : LIMITS.contains(limit) ? limit : "unknown";
      // Points of one SQLState and limit are one series (a later one replaces, deltas add);
      // different limits are different series, which add up.
      java.util.List<String> key = java.util.Arrays.asList(errorType, l);
      refusedSeries.put(key, PoolReading.Builder.add(refusedSeries.get(key), v));
      return this;
    }

    /** The series of one key summed: cumulative when any is, from the latest start. */
    private static void sum(Map<String, CounterReading> into, String key, CounterReading v) {
      CounterReading before = into.get(key);
      into.put(
          key,
          before == null
              ? v
              : new CounterReading(
                  before.value() + v.value(),
                  before.delta() && v.delta(),
                  Math.max(before.startNanos(), v.startNanos())));
    }

    private static String user(String u) {
      if (u == null || u.isEmpty() || u.length() > MAX_USER_LENGTH) {
        return NO_USER;
      }
      for (int i = 0; i < u.length(); i++) {
        if (Character.isISOControl(u.charAt(i))) {
          return NO_USER;
        }
      }
      return u;
    }

    /** Pools of one type created. */
    public Builder created(String poolType, CounterReading v) {
      created.put(poolType, PoolReading.Builder.add(created.get(poolType), v));
      return this;
    }

    /** Pools of one type closed. */
    public Builder closed(String poolType, CounterReading v) {
      closed.put(poolType, PoolReading.Builder.add(closed.get(poolType), v));
      return this;
    }

    /** The reading. */
    public TargetReading build() {
      Map<String, CounterReading> refused = new HashMap<>();
      Map<String, CounterReading> refusedByLimit = new HashMap<>();
      refusedSeries.forEach(
          (k, v) -> {
            sum(refused, k.get(0), v);
            if (k.get(1) != null) {
              sum(refusedByLimit, k.get(1), v);
            }
          });
      Double open =
          openByUser.isEmpty()
              ? null
              : openByUser.values().stream().mapToDouble(Double::doubleValue).sum();
      return new TargetReading(
          target,
          open,
          java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(openByUser)),
          Map.copyOf(refused),
          Map.copyOf(refusedByLimit),
          Map.copyOf(created),
          Map.copyOf(closed));
    }
  }
}
