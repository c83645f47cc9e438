package io.poolscope.agent.it;

/** Apache Commons DBCP2: no pool name of its own, so the agent names it by type and order. */
class Dbcp2IT extends PoolContract {
  @Override
  String kind() {
    return "dbcp2";
  }

  @Override
  String expectedName() {
    return "BasicDataSource-1";
  }

  @Override
  String poolType() {
    return "BasicDataSource";
  }

  @Override
  Integer expectedMinIdle() {
    return 1;
  }

  @Override
  String expectedTimeoutException() {
    return "java.sql.SQLException";
  }
}
