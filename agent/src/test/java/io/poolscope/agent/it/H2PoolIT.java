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

  /**
   * H2's pool is lock-free: a returning connection decrements the active count before it is queued
   * as idle, and a borrower in that gap finds the queue empty and opens a new physical connection.
   * Under 10 contending threads it can therefore hold up to one extra connection per returning
   * thread, and the agent reports what the pool really holds.
   */
  @Override
  double idleUpperBound() {
    return 10.0;
  }
}
