package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import java.util.Collection;
import java.util.Collections;

/** H2's JdbcConnectionPool: maxConnections, activeConnections, idle from its recycled list. */
final class H2PoolAdapter extends PoolAdapter {
  H2PoolAdapter() {
    super(Collections.singletonList("org.h2.jdbcx.JdbcConnectionPool"), "dispose", "close");
  }

  @Override
  public Integer max(Object pool) {
    return Reflect.integer(pool, "getMaxConnections");
  }

  @Override
  public Integer used(Object pool) {
    return Reflect.integer(pool, "getActiveConnections");
  }

  @Override
  public Integer idle(Object pool) {
    Object recycled = Reflect.field(pool, "recycledConnections");
    return recycled instanceof Collection ? ((Collection<?>) recycled).size() : null;
  }

  @Override
  public DbTarget target(Object pool) {
    // No URL getter: the pool wraps a JdbcDataSource that has one.
    Object ds = Reflect.field(pool, "dataSource");
    return ds == null ? DbTarget.UNKNOWN : PoolAdapters.sourceTarget(ds);
  }
}
