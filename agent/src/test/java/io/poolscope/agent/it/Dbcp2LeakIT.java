package io.poolscope.agent.it;

/** Leak detection for Dbcp2. */
class Dbcp2LeakIT extends LeakContract {
  @Override
  String[] app() {
    return new String[] {"pool=dbcp2", "scenario=leaks", "holdMs=2500"};
  }

  @Override
  String lib() {
    return "dbcp2-newest";
  }

  @Override
  String pool() {
    return "BasicDataSource-1";
  }
}
