package io.poolscope.agent.it;

/** Tomcat JDBC pool. */
class TomcatIT extends PoolContract {
  @Override
  String kind() {
    return "tomcat";
  }

  @Override
  String expectedName() {
    return "orders-pool";
  }

  @Override
  String poolType() {
    return "DataSource";
  }

  @Override
  Integer expectedMinIdle() {
    return 1;
  }

  @Override
  String expectedTimeoutException() {
    return "org.apache.tomcat.jdbc.pool.PoolExhaustedException";
  }
}
