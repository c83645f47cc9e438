package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import java.util.Collection;

/** H2's JdbcConnectionPool: maxConnections, activeConnections, idle from its recycled list. */
final class H2PoolAdapter extends PoolAdapter {
  H2PoolAdapter() {
    super(
        PoolClasses.of("org.h2.jdbcx.JdbcConnectionPool")
            .closedBy("dispose", "close")
            .packages("org.h2.jdbcx.JdbcConnectionPool"));
  }

  @Override
  public Integer max(Object pool) {
    return Reflect.integer(pool, "getMaxConnections");
  }

  /**
   * H2 counts a borrower in before it checks the limit and counts it out again if the pool is full,
   * so under contention its counter briefly reads one more than the maximum. No more than the
   * maximum can be in use, so the reading is capped there.
   */
  @Override
  public Integer used(Object pool) {
    Integer active = Reflect.integer(pool, "getActiveConnections");
    Integer max = max(pool);
    return active == null || max == null ? active : Math.min(active, max);
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
