package io.poolscope.agent.it;

/** Leak detection for connections straight from DriverManager, with no pool at all. */
class DriverManagerLeakIT extends LeakContract {
  @Override
  String[] app() {
    return new String[] {"scenario=rawLeaks", "holdMs=2500"};
  }

  @Override
  String lib() {
    return null;
  }

  @Override
  String pool() {
    return "DriverManager";
  }

  @Override
  String holdMarker() {
    return "leak:rawhold";
  }

  @Override
  String dropMarker() {
    return "leak:rawdrop";
  }

  @Override
  String holdMethod() {
    return "holdRawTooLong";
  }

  @Override
  String dropMethod() {
    return "dropRawWithoutClose";
  }
}
