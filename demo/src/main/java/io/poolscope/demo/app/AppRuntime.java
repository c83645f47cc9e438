package io.poolscope.demo.app;

import java.io.IOException;
import java.io.InputStream;

/**
 * What every simulated pod shares with a real one: it runs until it is told to stop. The
 * orchestrator keeps a pipe to each pod's standard input; when the orchestrator exits, however it
 * exits (even {@code kill -9}), the pipe closes and the pod stops itself, so no pod outlives the
 * demo.
 */
public final class AppRuntime {
  private AppRuntime() {}

  /**
   * Blocks until standard input reaches end of file (the orchestrator is gone), then exits.
   *
   * @param name the pod name, for the log line
   */
  public static void runUntilOrphaned(String name) {
    InputStream in = System.in;
    try {
      while (in.read() != -1) {
        // Nothing is ever sent: only the end of the stream matters.
      }
    } catch (IOException e) {
      // A broken pipe means the same as end of file: the orchestrator is gone.
    }
    System.err.println(name + ": orchestrator gone, exiting");
    System.exit(0);
  }

  /**
   * Sleeps without throwing; an interrupt ends the current thread's loop.
   *
   * @param millis how long
   * @return false when the thread was interrupted
   */
  public static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
