package io.poolscope.demo.internal;

import io.poolscope.demo.app.AppRuntime;

/** A stand-in pod for tests: does nothing until the orchestrator's pipe closes. */
public final class OrphanAwareMain {
  private OrphanAwareMain() {}

  /**
   * Runs until standard input closes.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    AppRuntime.runUntilOrphaned("test-pod");
  }
}
