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

  @Override
  String holdMarker() {
    return "leak:hold";
  }

  @Override
  String dropMarker() {
    return "leak:drop";
  }

  @Override
  String holdMethod() {
    return "holdTooLong";
  }

  @Override
  String dropMethod() {
    return "dropWithoutClose";
  }
}
