package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import io.poolscope.agent.internal.target.JdbcUrls;

/**
 * Agroal: maxSize and minSize from its configuration; used and idle counts only when the
 * application enabled Agroal's metrics (otherwise they are always zero, so they are not sent).
 */
final class AgroalAdapter extends PoolAdapter {
  AgroalAdapter() {
    super(
        PoolClasses.of("io.agroal.pool.DataSource")
            .closedBy("close")
            .packages("io.agroal.")
            .internalSources("io.agroal.pool.wrapper."));
  }

  private static Object poolConfig(Object pool) {
    return Reflect.call(Reflect.call(pool, "getConfiguration"), "connectionPoolConfiguration");
  }

  @Override
  public Integer max(Object pool) {
    return Reflect.integer(poolConfig(pool), "maxSize");
  }

  @Override
  public Integer minIdle(Object pool) {
    return Reflect.integer(poolConfig(pool), "minSize");
  }

  private static boolean metrics(Object pool) {
    return Boolean.TRUE.equals(
        Reflect.call(Reflect.call(pool, "getConfiguration"), "metricsEnabled"));
  }

  @Override
  public Integer used(Object pool) {
    return metrics(pool) ? Reflect.integer(Reflect.call(pool, "getMetrics"), "activeCount") : null;
  }

  @Override
  public Integer idle(Object pool) {
    return metrics(pool)
        ? Reflect.integer(Reflect.call(pool, "getMetrics"), "availableCount")
        : null;
  }

  @Override
  public DbTarget target(Object pool) {
    Object factory = Reflect.call(poolConfig(pool), "connectionFactoryConfiguration");
    String url = Reflect.string(factory, "jdbcUrl");
    return url == null ? DbTarget.UNKNOWN : JdbcUrls.parse(url);
  }

  @Override
  public Double maxLifetime(Object pool) {
    Object d = Reflect.call(poolConfig(pool), "maxLifetime");
    return d instanceof java.time.Duration && !((java.time.Duration) d).isZero()
        ? ((java.time.Duration) d).toMillis() / 1000.0
        : null;
  }

  @Override
  public Long idleTimeoutCloses(Object pool) {
    return metrics(pool) ? Reflect.along(Reflect.call(pool, "getMetrics"), "reapCount") : null;
  }

  @Override
  public Long brokenCloses(Object pool) {
    return metrics(pool) ? Reflect.along(Reflect.call(pool, "getMetrics"), "invalidCount") : null;
  }
}
