package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;

/** HikariCP: poolName, maximumPoolSize, minimumIdle, and the pool MXBean's counts. */
final class HikariAdapter extends PoolAdapter {
  HikariAdapter() {
    super(
        PoolClasses.of("com.zaxxer.hikari.HikariDataSource")
            .closedBy("close")
            .packages("com.zaxxer.hikari.")
            .internalSources("com.zaxxer.hikari.util.DriverDataSource"));
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

  @Override
  public Double maxLifetime(Object pool) {
    return positiveMillis(Reflect.call(pool, "getMaxLifetime"));
  }
}
