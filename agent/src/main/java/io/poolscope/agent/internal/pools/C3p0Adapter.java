package io.poolscope.agent.internal.pools;

/**
 * c3p0: dataSourceName (when set by the user; c3p0 otherwise uses its random identity token, which
 * is not a stable name), maxPoolSize, minPoolSize (c3p0 has no minimum idle; its minimum pool size
 * is the closest figure), and the default user's busy and idle counts.
 *
 * <p>c3p0 starts its pool at the first borrow, and its count getters start it too: read before
 * that, they would open connections and start helper threads the application did not ask for yet.
 * So the counts are read only once the pool manager exists (0 before and after close).
 */
final class C3p0Adapter extends PoolAdapter {
  C3p0Adapter() {
    super(
        PoolClasses.of("com.mchange.v2.c3p0.impl.AbstractPoolBackedDataSource")
            .closedBy("close")
            .packages("com.mchange.v2.")
            .internalSources(
                "com.mchange.v2.c3p0.DriverManagerDataSource",
                "com.mchange.v2.c3p0.WrapperConnectionPoolDataSource"));
  }

  @Override
  public String name(Object pool) {
    String name = Reflect.string(pool, "getDataSourceName");
    String token = Reflect.string(pool, "getIdentityToken");
    return name == null || name.equals(token) ? null : name;
  }

  @Override
  public Integer max(Object pool) {
    return Reflect.integer(pool, "getMaxPoolSize");
  }

  @Override
  public Integer minIdle(Object pool) {
    return Reflect.integer(pool, "getMinPoolSize");
  }

  @Override
  public Integer used(Object pool) {
    return started(pool)
        ? Reflect.integer(pool, "getNumBusyConnectionsDefaultUser")
        : Integer.valueOf(0);
  }

  @Override
  public Integer idle(Object pool) {
    return started(pool)
        ? Reflect.integer(pool, "getNumIdleConnectionsDefaultUser")
        : Integer.valueOf(0);
  }

  /**
   * Whether the pool runs: c3p0 creates its pool manager at the first borrow, drops it on close.
   */
  private static boolean started(Object pool) {
    return Reflect.field(pool, "poolManager") != null;
  }

  @Override
  public Double maxLifetime(Object pool) {
    Integer s = Reflect.integer(pool, "getMaxConnectionAge");
    return s == null || s <= 0 ? null : s.doubleValue();
  }
}
