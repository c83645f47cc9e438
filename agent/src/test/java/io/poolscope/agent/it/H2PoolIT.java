package io.poolscope.agent.it;

/** H2's JdbcConnectionPool: unnamed, exposes its maximum but no minimum idle. */
class H2PoolIT extends PoolContract {
  @Override
  String kind() {
    return "h2";
  }

  @Override
  String expectedName() {
    return "JdbcConnectionPool-1";
  }

  @Override
  String poolType() {
    return "JdbcConnectionPool";
  }

  @Override
  Integer expectedMinIdle() {
    return null;
  }

  @Override
  String expectedTimeoutException() {
    return "java.sql.SQLException";
  }
}
