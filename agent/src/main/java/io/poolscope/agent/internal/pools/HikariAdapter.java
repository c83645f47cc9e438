package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import java.util.Collections;

/** HikariCP: poolName, maximumPoolSize, minimumIdle, and the pool MXBean's counts. */
final class HikariAdapter extends PoolAdapter {
  HikariAdapter() {
    super(Collections.singletonList("com.zaxxer.hikari.HikariDataSource"), "close");
  }

  @Override
  public String name(Object pool) {
    return Reflect.string(pool, "getPoolName");
  }

  @Override
  public Integer max(Object pool) {
    return Reflect.integer(pool, "getMaximumPoolSize");
  }

  @Override
  public Integer minIdle(Object pool) {
    return Reflect.integer(pool, "getMinimumIdle");
  }

  @Override
  public Integer used(Object pool) {
    return Reflect.integer(Reflect.call(pool, "getHikariPoolMXBean"), "getActiveConnections");
  }

  @Override
  public Integer idle(Object pool) {
    return Reflect.integer(Reflect.call(pool, "getHikariPoolMXBean"), "getIdleConnections");
  }

  @Override
  public DbTarget target(Object pool) {
    DbTarget t = super.target(pool);
    if (t == DbTarget.UNKNOWN) {
      // dataSourceClassName / setDataSource: the driver's data source knows the URL.
      Object ds = Reflect.call(pool, "getDataSource");
      if (ds != null) {
        t = PoolAdapters.sourceTarget(ds);
      }
    }
    return t;
  }
}
