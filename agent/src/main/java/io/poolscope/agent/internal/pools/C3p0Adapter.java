package io.poolscope.agent.internal.pools;

import java.util.Collections;

/**
 * c3p0: dataSourceName (when set by the user; c3p0 otherwise uses its random identity token, which
 * is not a stable name), maxPoolSize, minPoolSize (c3p0 has no minimum idle; its minimum pool size
 * is the closest figure), and the default user's busy and idle counts.
 */
final class C3p0Adapter extends PoolAdapter {
  C3p0Adapter() {
    super(
        Collections.singletonList("com.mchange.v2.c3p0.impl.AbstractPoolBackedDataSource"),
        "close");
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
    return Reflect.integer(pool, "getNumBusyConnectionsDefaultUser");
  }

  @Override
  public Integer idle(Object pool) {
    return Reflect.integer(pool, "getNumIdleConnectionsDefaultUser");
  }
}
