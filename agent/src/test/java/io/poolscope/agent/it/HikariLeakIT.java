package io.poolscope.agent.it;

/** Leak detection for Hikari. */
class HikariLeakIT extends LeakContract {
  @Override
  String[] app() {
    return new String[] {"pool=hikari", "scenario=leaks", "holdMs=2500"};
  }

  @Override
  String lib() {
    return "hikari-newest";
  }

  @Override
  String pool() {
    return "orders-pool";
  }
}
