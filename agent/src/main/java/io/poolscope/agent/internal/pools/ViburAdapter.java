package io.poolscope.agent.internal.pools;

/** Vibur DBCP: name, poolMaxSize, and the object pool's taken and idle counts. */
final class ViburAdapter extends PoolAdapter {
  ViburAdapter() {
    super(
        PoolClasses.of("org.vibur.dbcp.ViburDBCPDataSource")
            .closedBy("close", "terminate")
            .packages("org.vibur.dbcp."));
  }

  @Override
  public String name(Object pool) {
    return Reflect.string(pool, "getName");
  }

  @Override
  public Integer max(Object pool) {
    return Reflect.integer(pool, "getPoolMaxSize");
  }

  @Override
  public Integer used(Object pool) {
    return Reflect.integer(Reflect.call(pool, "getPool"), "taken");
  }

  @Override
  public Integer idle(Object pool) {
    return Reflect.integer(Reflect.call(pool, "getPool"), "remainingCreated");
  }
}
