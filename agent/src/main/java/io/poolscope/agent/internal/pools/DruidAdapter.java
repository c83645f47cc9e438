package io.poolscope.agent.internal.pools;

/**
 * Alibaba Druid ({@code DruidDataSource}): name, maxActive, minIdle, and its own active, pooling
 * and waiting-thread counts.
 *
 * <p>The name is read from the field, not {@code getName()}: without a configured name Druid
 * returns {@code DataSource-<identity hash>}, which changes at every start.
 */
final class DruidAdapter extends PoolAdapter {
  DruidAdapter() {
    super(
        PoolClasses.of("com.alibaba.druid.pool.DruidDataSource")
            .closedBy("close")
            .packages("com.alibaba.druid."));
  }

  @Override
  public String name(Object pool) {
    Object n = Reflect.field(pool, "name");
    return n == null ? null : n.toString();
  }

  @Override
  public Integer max(Object pool) {
    return Reflect.integer(pool, "getMaxActive");
  }

  @Override
  public Integer minIdle(Object pool) {
    return Reflect.integer(pool, "getMinIdle");
  }

  @Override
  public Integer used(Object pool) {
    return Reflect.integer(pool, "getActiveCount");
  }

  @Override
  public Integer idle(Object pool) {
    return Reflect.integer(pool, "getPoolingCount");
  }

  @Override
  public Integer pending(Object pool) {
    return Reflect.integer(pool, "getWaitThreadCount");
  }

  @Override
  public Double maxLifetime(Object pool) {
    return positiveMillis(Reflect.call(pool, "getPhyTimeoutMillis"));
  }

  @Override
  public Long brokenCloses(Object pool) {
    return Reflect.along(pool, "getDiscardCount");
  }
}
