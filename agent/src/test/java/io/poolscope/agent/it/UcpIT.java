package io.poolscope.agent.it;

/**
 * Oracle UCP pooling H2 through {@code setConnectionFactoryClassName("org.h2.Driver")}: named
 * (connectionPoolName), maximum and minimum from its configuration, borrowed and available counts.
 * Oldest: ucp 19.3.0.0 with ojdbc8 19.3; newest: ucp11 23.26 with ojdbc11 (UCP is deployed with
 * Oracle's driver, and 23 needs it for its own classes even when it pools another driver).
 *
 * <p>UCP's data source has no close method: an application destroys a pool by name through {@code
 * UniversalConnectionPoolManager.destroyConnectionPool}, which the agent does not see. So pools
 * created are counted and pools closed are not.
 */
class UcpIT extends PoolContract {
  @Override
  String kind() {
    return "ucp";
  }

  @Override
  String expectedName() {
    return "orders-pool";
  }

  @Override
  String poolType() {
    return "PoolDataSourceImpl";
  }

  @Override
  Integer expectedMinIdle() {
    return 1;
  }

  @Override
  String expectedTimeoutException() {
    return "java.sql.SQLException";
  }

  /** Destroyed through {@code UniversalConnectionPoolManager}, which the agent does not see. */
  @Override
  boolean closeIsVisible() {
    return false;
  }
}
