package io.poolscope.agent.internal.pools;

import java.util.Collections;

/** Apache Commons DBCP2's BasicDataSource: maxTotal, minIdle, numActive, numIdle. */
final class Dbcp2Adapter extends PoolAdapter {
  Dbcp2Adapter() {
    super(Collections.singletonList("org.apache.commons.dbcp2.BasicDataSource"), "close");
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
}
