package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import io.poolscope.agent.internal.target.JdbcUrls;
import java.util.Collections;

/**
 * Agroal: maxSize and minSize from its configuration; used and idle counts only when the
 * application enabled Agroal's metrics (otherwise they are always zero, so they are not sent).
 */
final class AgroalAdapter extends PoolAdapter {
  AgroalAdapter() {
    super(Collections.singletonList("io.agroal.pool.DataSource"), "close");
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
}
