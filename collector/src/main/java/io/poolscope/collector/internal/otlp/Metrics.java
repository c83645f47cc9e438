package io.poolscope.collector.internal.otlp;

import java.util.Set;

/**
 * The metric names of the telemetry contract (DESIGN.md section 3, collector/API.md "Ingest"). Only
 * the decoder knows them: past it, figures are typed fields.
 */
final class Metrics {
  public static final String COUNT = "db.client.connection.count";
  public static final String MAX = "db.client.connection.max";
  public static final String IDLE_MIN = "db.client.connection.idle.min";
  public static final String PENDING = "db.client.connection.pending_requests";
  public static final String TIMEOUTS = "db.client.connection.timeouts";
  public static final String WAIT_TIME = "db.client.connection.wait_time";
  public static final String USE_TIME = "db.client.connection.use_time";
  public static final String CREATE_TIME = "db.client.connection.create_time";
  public static final String OPEN = "poolscope.connection.open";
  public static final String REFUSED = "poolscope.connection.refused";
  public static final String LEAKS = "poolscope.connection.leaks";
  public static final String OLDEST_USE = "poolscope.connection.oldest_use";
  public static final String POOLS_CREATED = "poolscope.pool.created";
  public static final String POOLS_CLOSED = "poolscope.pool.closed";
  public static final String POOL_OPEN = "poolscope.pool.open";
  public static final String AGENT_EXITING = "poolscope.agent.exiting";
  public static final String CONNECTIONS_CLOSED = "poolscope.connection.closed";
  public static final String OLDEST_AGE = "poolscope.connection.oldest_age";
  public static final String MAX_LIFETIME = "poolscope.pool.max_lifetime";
  public static final String HOLDER_AGE = "poolscope.connection.holder.age";

  /** Metrics that carry no pool name: they belong to the pod and the target. */
  public static final Set<String> POD_LEVEL = Set.of(OPEN, REFUSED, POOLS_CREATED, POOLS_CLOSED);

  /** Histogram metrics. */
  public static final Set<String> HISTOGRAMS = Set.of(WAIT_TIME, USE_TIME, CREATE_TIME);

  /** Counter metrics: cumulative from the agent, kept reset-safe here. */
  public static final Set<String> COUNTERS =
      Set.of(TIMEOUTS, REFUSED, LEAKS, POOLS_CREATED, POOLS_CLOSED, CONNECTIONS_CLOSED);

  /** Every contract metric. */
  public static final Set<String> ALL =
      Set.of(
          COUNT,
          MAX,
          IDLE_MIN,
          PENDING,
          TIMEOUTS,
          WAIT_TIME,
          USE_TIME,
          CREATE_TIME,
          OPEN,
          REFUSED,
          LEAKS,
          OLDEST_USE,
          POOLS_CREATED,
          POOLS_CLOSED,
          POOL_OPEN,
          AGENT_EXITING,
          CONNECTIONS_CLOSED,
          OLDEST_AGE,
          MAX_LIFETIME,
          HOLDER_AGE);

  private Metrics() {}
}
