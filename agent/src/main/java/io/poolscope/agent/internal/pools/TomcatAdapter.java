package io.poolscope.agent.internal.pools;

/**
 * Tomcat JDBC pool: name (unless generated), maxActive, minIdle, and the active and idle counts of
 * its connection pool.
 *
 * <p>The counts are read from the {@code ConnectionPool} behind the data source, never through
 * {@code getNumActive()}/{@code getNumIdle()}: those call {@code createPool()}, so reading them
 * would start a pool the application has not borrowed from yet and, worse, start a new one after
 * the application closed it (its connections then stay open until the JVM exits).
 */
final class TomcatAdapter extends PoolAdapter {
  TomcatAdapter() {
    super(
        PoolClasses.of("org.apache.tomcat.jdbc.pool.DataSourceProxy")
            .closedBy("close")
            .packages("org.apache.tomcat.jdbc.pool."));
  }

  @Override
  public String name(Object pool) {
    String n = Reflect.string(pool, "getName");
    // The default name embeds a counter and an identity hash: not stable across restarts.
    return n == null || n.startsWith("Tomcat Connection Pool[") ? null : n;
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
    Object p = connectionPool(pool);
    return p == null ? Integer.valueOf(0) : Reflect.integer(p, "getActive");
  }

  @Override
  public Integer idle(Object pool) {
    Object p = connectionPool(pool);
    return p == null ? Integer.valueOf(0) : Reflect.integer(p, "getIdle");
  }

  /** The running pool, or null before the first borrow and after close. */
  private static Object connectionPool(Object pool) {
    return Reflect.field(pool, "pool");
  }

  @Override
  public Double maxLifetime(Object pool) {
    return positiveMillis(Reflect.call(pool, "getMaxAge"));
  }

  @Override
  public Long idleTimeoutCloses(Object pool) {
    Object p = connectionPool(pool);
    return p == null ? null : Reflect.along(p, "getReleasedIdleCount");
  }
}
