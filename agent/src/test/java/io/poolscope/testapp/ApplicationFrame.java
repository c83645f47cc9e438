package io.poolscope.testapp;

/**
 * A frame outside the agent's packages, so a call site trimmed to the application's first frame
 * starts here (unit tests of the agent live in its own packages, which trimming skips).
 */
public final class ApplicationFrame {
  private ApplicationFrame() {}

  /**
   * Runs {@code borrow} one frame below this method.
   *
   * @param borrow the borrow
   */
  public static void borrowHere(Runnable borrow) {
    borrow.run();
  }
}
