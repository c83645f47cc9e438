package io.poolscope.agent.it;

/** Leak detection for C3p0. */
class C3p0LeakIT extends LeakContract {
  @Override
  String[] app() {
    return new String[] {"pool=c3p0", "scenario=leaks", "holdMs=2500"};
  }

  @Override
  String lib() {
    return "c3p0-newest";
  }

  @Override
  String pool() {
    return "orders-pool";
  }

  @Override
  boolean collectable() {
    return false;
  }
}
