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

  @Override
  boolean collectable() {
    return false;
  }
}
