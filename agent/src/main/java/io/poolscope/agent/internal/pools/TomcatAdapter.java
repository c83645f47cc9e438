package io.poolscope.agent.internal.pools;

import java.util.Collections;

/** Tomcat JDBC pool: name (unless generated), maxActive, minIdle, numActive, numIdle. */
final class TomcatAdapter extends PoolAdapter {
  TomcatAdapter() {
    super(Collections.singletonList("org.apache.tomcat.jdbc.pool.DataSourceProxy"), "close");
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
    return Reflect.integer(pool, "getNumActive");
  }

  @Override
  public Integer idle(Object pool) {
    return Reflect.integer(pool, "getNumIdle");
  }
}
