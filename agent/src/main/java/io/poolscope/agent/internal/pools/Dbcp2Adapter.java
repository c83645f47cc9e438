package io.poolscope.agent.internal.pools;

/** Apache Commons DBCP2's BasicDataSource: maxTotal, minIdle, numActive, numIdle. */
final class Dbcp2Adapter extends PoolAdapter {
  Dbcp2Adapter() {
    super(
        PoolClasses.of("org.apache.commons.dbcp2.BasicDataSource")
            .closedBy("close")
            .packages("org.apache.commons.dbcp2.", "org.apache.commons.pool2.")
            .internalSources("org.apache.commons.dbcp2.cpdsadapter.DriverAdapterCPDS"));
  }

  @Override
  public Integer max(Object pool) {
    return Reflect.integer(pool, "getMaxTotal");
  }

  @Override
  public Integer minIdle(Object pool) {
    return Reflect.integer(pool, "getMinIdle");
  }

  @Override
  public Integer used(Object pool) {
    return Reflect.integer(pool, "getNumActive");
  }

  @Override
  public Integer idle(Object pool) {
    return Reflect.integer(pool, "getNumIdle");
  }

  @Override
  public Double maxLifetime(Object pool) {
    return positiveMillis(Reflect.call(pool, "getMaxConnLifetimeMillis"));
  }

  @Override
  public Long brokenCloses(Object pool) {
    // The commons-pool2 pool behind the data source: null before the first borrow.
    Object p = Reflect.field(pool, "connectionPool");
    return p == null ? null : Reflect.along(p, "getDestroyedByBorrowValidationCount");
  }
}
