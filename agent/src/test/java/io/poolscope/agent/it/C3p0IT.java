package io.poolscope.agent.it;

/** c3p0: its dataSourceName is the pool name; minPoolSize stands in for minimum idle. */
class C3p0IT extends PoolContract {
  @Override
  String kind() {
    return "c3p0";
  }

  @Override
  String expectedName() {
    return "orders-pool";
  }

  @Override
  String poolType() {
    return "ComboPooledDataSource";
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
