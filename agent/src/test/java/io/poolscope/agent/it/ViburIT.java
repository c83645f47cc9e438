package io.poolscope.agent.it;

/** Vibur DBCP: named, exposes its maximum; no minimum idle (only an initial size). */
class ViburIT extends PoolContract {
  @Override
  String kind() {
    return "vibur";
  }

  @Override
  String expectedName() {
    return "orders-pool";
  }

  @Override
  String poolType() {
    return "ViburDBCPDataSource";
  }

  @Override
  Integer expectedMinIdle() {
    return null;
  }

  @Override
  String expectedTimeoutException() {
    return "java.sql.SQLTimeoutException";
  }
}
