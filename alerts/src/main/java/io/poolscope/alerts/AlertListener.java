package io.poolscope.alerts;

/**
 * Receives alert history events. State changes arrive on the thread that calls {@link
 * AlertEngine#evaluate}; delivery events arrive on the engine's executor. Implementations must be
 * thread-safe and should return quickly; an exception is logged and otherwise ignored.
 */
@FunctionalInterface
public interface AlertListener {

  /** Called once per event, in order per alert instance. */
  void onEvent(AlertEvent event);
}
