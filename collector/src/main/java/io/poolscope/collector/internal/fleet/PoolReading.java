package io.poolscope.collector.internal.fleet;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one export said about one pool, decoded and typed. A null figure was not in the export
 * (the pool keeps its earlier value).
 *
 * @param family {@code poolscope.pool.family}: pools of one type, target and construction site;
 *     null when the agent does not send it (the pool is then its own family)
 * @param open {@code poolscope.pool.open}: false in the export carrying a closed pool's final
 *     figures; null when not sent
 * @param connectionsClosed {@code poolscope.connection.closed} by {@code poolscope.close.reason}
 * @param oldestAge age of the oldest open physical connection, seconds
 * @param maxLifetime configured max lifetime of physical connections, seconds
 * @param holders {@code poolscope.connection.holder.age}: the oldest leases still held, oldest
 *     first, at most {@link #MAX_HOLDERS}; empty when the export names none
 */
public record PoolReading(
    TargetKey target,
    String name,
    String type,
    String family,
    Double used,
    Double idle,
    Double max,
    Double minIdle,
    Double pending,
    Double oldestUse,
    Boolean open,
    CounterReading timeouts,
    Map<LeakState, CounterReading> leaks,
    HistogramReading waitTime,
    HistogramReading useTime,
    HistogramReading createTime,
    Map<String, CounterReading> connectionsClosed,
    Double oldestAge,
    Double maxLifetime,
    List<Holder> holders) {

  /** Holders kept per pool and export: the oldest this many of those sent. */
  public static final int MAX_HOLDERS = 5;

  /**
   * One held lease as the export named it.
   *
   * @param thread the borrower's thread name
   * @param ageSeconds how long it had been held at the export
   * @param leaseId the agent's lease id
   * @param callSite the borrower's call site, or null
   */
  public record Holder(String thread, double ageSeconds, String leaseId, String callSite) {}

  /** Collects the data points of one pool as the decoder meets them. */
  public static final class Builder {
    private final TargetKey target;
    private final String name;
    private String type;
    private String family;
    private Double used;
    private Double idle;
    private Double max;
    private Double minIdle;
    private Double pending;
    private Double oldestUse;
    private Boolean open;
    private CounterReading timeouts;
    private final Map<LeakState, CounterReading> leaks = new EnumMap<>(LeakState.class);
    private HistogramReading waitTime;
    private HistogramReading useTime;
    private HistogramReading createTime;
    private final Map<String, CounterReading> connectionsClosed = new LinkedHashMap<>();
    private Double oldestAge;
    private Double maxLifetime;
    private final List<Holder> holders = new ArrayList<>(2);

    /** A pool of {@code target} named {@code name}. */
    public Builder(TargetKey target, String name) {
      this.target = target;
      this.name = name;
    }

    /** {@code poolscope.pool.type}. */
    public Builder type(String v) {
      type = v == null ? type : v;
      return this;
    }

    /** {@code poolscope.pool.family}. */
    public Builder family(String v) {
      family = v == null ? family : v;
      return this;
    }

    /** Connections in use. */
    public Builder used(double v) {
      used = v;
      return this;
    }

    /** Idle connections. */
    public Builder idle(double v) {
      idle = v;
      return this;
    }

    /** Configured maximum. */
    public Builder max(double v) {
      max = v;
      return this;
    }

    /** Configured minimum idle. */
    public Builder minIdle(double v) {
      minIdle = v;
      return this;
    }

    /** Threads waiting in getConnection. */
    public Builder pending(double v) {
      pending = v;
      return this;
    }

    /** Age of the oldest lease, seconds. */
    public Builder oldestUse(double v) {
      oldestUse = v;
      return this;
    }

    /** Whether the pool is open. */
    public Builder open(boolean v) {
      open = v;
      return this;
    }

    /** Failed getConnection calls. */
    public Builder timeouts(CounterReading v) {
      timeouts = add(timeouts, v);
      return this;
    }

    /** Leases past the threshold, by state. */
    public Builder leaks(LeakState state, CounterReading v) {
      leaks.put(state, add(leaks.get(state), v));
      return this;
    }

    /** Time spent in getConnection. */
    public Builder waitTime(HistogramReading v) {
      waitTime = v;
      return this;
    }

    /** Time a connection was held. */
    public Builder useTime(HistogramReading v) {
      useTime = v;
      return this;
    }

    /** Time to open a physical connection. */
    public Builder createTime(HistogramReading v) {
      createTime = v;
      return this;
    }

    /** Physical connections the pool closed for {@code reason}. */
    public Builder connectionsClosed(String reason, CounterReading v) {
      connectionsClosed.put(reason, add(connectionsClosed.get(reason), v));
      return this;
    }

    /** Age of the oldest open physical connection, seconds. */
    public Builder oldestAge(double v) {
      oldestAge = v;
      return this;
    }

    /** Configured max lifetime, seconds. */
    public Builder maxLifetime(double v) {
      maxLifetime = v;
      return this;
    }

    /**
     * A held lease; of more than {@link #MAX_HOLDERS}, the oldest are kept.
     *
     * @return false when a younger one was dropped for it (or it was the youngest)
     */
    public boolean holder(Holder h) {
      int i = 0;
      while (i < holders.size() && holders.get(i).ageSeconds() >= h.ageSeconds()) {
        i++;
      }
      if (i >= MAX_HOLDERS) {
        return false;
      }
      holders.add(i, h);
      if (holders.size() > MAX_HOLDERS) {
        holders.remove(MAX_HOLDERS);
        return false;
      }
      return true;
    }

    /** The reading. */
    public PoolReading build() {
      return new PoolReading(
          target,
          name,
          type,
          family,
          used,
          idle,
          max,
          minIdle,
          pending,
          oldestUse,
          open,
          timeouts,
          Map.copyOf(leaks),
          waitTime,
          useTime,
          createTime,
          Map.copyOf(connectionsClosed),
          oldestAge,
          maxLifetime,
          List.copyOf(holders));
    }

    /** Two delta points of one series in one export add up; a cumulative one replaces. */
    static CounterReading add(CounterReading before, CounterReading v) {
      if (before != null && before.delta() && v.delta()) {
        return new CounterReading(before.value() + v.value(), true, v.startNanos());
      }
      return v;
    }
  }
}
