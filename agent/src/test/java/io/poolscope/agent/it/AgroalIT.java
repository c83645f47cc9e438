package io.poolscope.agent.it;

/**
 * Agroal: unnamed; maximum and minimum from its configuration; its counts are only real when the
 * application enabled Agroal metrics, so without them "used" comes from the agent's own leases.
 */
class AgroalIT extends PoolContract {
  @Override
  String kind() {
    return "agroal";
  }

  @Override
  String expectedName() {
    return "DataSource-1";
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
  boolean exposesIdle() {
    return false;
  }

  @Override
  String expectedTimeoutException() {
    return "java.sql.SQLException";
  }
}
