package io.poolscope.collector.internal.fleet;

import java.util.HashMap;
import java.util.Map;

/**
 * What one export said about one database target at the process level (no pool name).
 *
 * @param open {@code poolscope.connection.open}, null when not sent
 * @param refused {@code poolscope.connection.refused} by {@code error.type}
 * @param created {@code poolscope.pool.created} by {@code poolscope.pool.type}
 * @param closed {@code poolscope.pool.closed} by {@code poolscope.pool.type}
 */
public record TargetReading(
    TargetKey target,
    Double open,
    Map<String, CounterReading> refused,
    Map<String, CounterReading> created,
    Map<String, CounterReading> closed) {

  /** Collects the data points of one target as the decoder meets them. */
  public static final class Builder {
    private final TargetKey target;
    private Double open;
    private final Map<String, CounterReading> refused = new HashMap<>();
    private final Map<String, CounterReading> created = new HashMap<>();
    private final Map<String, CounterReading> closed = new HashMap<>();

    /** Readings of {@code target}. */
    public Builder(TargetKey target) {
      this.target = target;
    }

    /** Physical connections open. */
    public Builder open(double v) {
      open = v;
      return this;
    }

    /** Refused opens of one SQLState. */
    public Builder refused(String errorType, CounterReading v) {
      refused.put(errorType, PoolReading.Builder.add(refused.get(errorType), v));
      return this;
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
      return new TargetReading(
          target, open, Map.copyOf(refused), Map.copyOf(created), Map.copyOf(closed));
    }
  }
}
