package io.poolscope.agent.internal.export;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an export's socket at its deadline: the one way to end a blocked socket write. One daemon
 * thread for the agent, started at the first export.
 */
final class Watchdog {
  private static final class Holder {
    static final ScheduledExecutorService TIMER =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "poolscope-export-watchdog");
              t.setDaemon(true);
              return t;
            });
  }

  private volatile Socket socket;
  private volatile boolean fired;
  private final ScheduledFuture<?> task;

  private Watchdog(Socket socket, long deadlineNanos) {
    this.socket = socket;
    this.task =
        Holder.TIMER.schedule(
            this::fire, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  static Watchdog closeAt(Socket socket, long deadlineNanos) {
    return new Watchdog(socket, deadlineNanos);
  }

  /** The TLS socket layered on the plain one: closing it closes both. */
  void retarget(Socket s) {
    socket = s;
  }

  private void fire() {
    fired = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closed anyway
    }
  }

  boolean fired() {
    return fired;
  }

  void cancel() {
    task.cancel(false);
  }
}
