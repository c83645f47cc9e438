package io.poolscope.agent.internal.pools;

/** Oracle UCP: connectionPoolName, max/minPoolSize, borrowed and available counts. */
final class UcpAdapter extends PoolAdapter {
  UcpAdapter() {
    super(PoolClasses.of("oracle.ucp.jdbc.PoolDataSourceImpl").packages("oracle.ucp."));
  }

  @Override
  public String name(Object pool) {
    return Reflect.string(pool, "getConnectionPoolName");
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
    return Reflect.integer(pool, "getBorrowedConnectionsCount");
  }

  @Override
  public Integer idle(Object pool) {
    return Reflect.integer(pool, "getAvailableConnectionsCount");
  }

  @Override
  protected String url(Object pool) {
    return Reflect.string(pool, "getURL");
  }

  @Override
  public Double maxLifetime(Object pool) {
    Object s = Reflect.call(pool, "getMaxConnectionReuseTime");
    return s instanceof Number && ((Number) s).longValue() > 0
        ? Double.valueOf(((Number) s).longValue())
        : null;
  }
}
