package io.poolscope.agent.it;

/** Alibaba Druid: named, maxActive, minIdle, its own active, pooling and waiting-thread counts. */
class DruidIT extends PoolContract {
  @Override
  String kind() {
    return "druid";
  }

  @Override
  String expectedName() {
    return "orders-pool";
  }

  @Override
  String poolType() {
    return "DruidDataSource";
  }

  @Override
  Integer expectedMinIdle() {
    return 1;
  }

  @Override
  String expectedTimeoutException() {
    return "com.alibaba.druid.pool.GetConnectionTimeoutException";
  }
}
