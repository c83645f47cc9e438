package io.poolscope.agent.internal.pools;

/**
 * Pools the agent has no adapter for, recognised by their packages only: a physical open made by
 * their code is the pool's own (not an unpooled lease), and their data sources inside driver
 * packages stay lease sources. Their data sources get leases like any other, under a generated
 * name; no constructor or close is instrumented.
 */
final class OtherPools extends PoolAdapter {
  OtherPools() {
    super(
        PoolClasses.of()
            .packages(
                "org.apache.commons.dbcp.",
                "org.mariadb.jdbc.pool.",
                "org.mariadb.jdbc.MariaDbPoolDataSource",
                "org.apache.ibatis.datasource.pooled.",
                "org.jboss.jca.",
                "com.ibm.ws.rsadapter."));
  }

  @Override
  public boolean known() {
    return false;
  }
}
