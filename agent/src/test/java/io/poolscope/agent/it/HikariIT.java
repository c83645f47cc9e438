package io.poolscope.agent.it;

/** HikariCP, oldest and newest claimed versions. */
class HikariIT extends PoolContract {
  @Override
  String kind() {
    return "hikari";
  }

  @Override
  String expectedName() {
    return "orders-pool";
  }

  @Override
  String poolType() {
    return "HikariDataSource";
  }

  @Override
  Integer expectedMinIdle() {
    return 1;
  }

  @Override
  String expectedTimeoutException() {
    return "java.sql.SQLTransientConnectionException";
  }
}
