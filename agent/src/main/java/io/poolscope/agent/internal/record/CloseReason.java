package io.poolscope.agent.internal.record;

/**
 * Why a pool closed a physical connection: {@code poolscope.close.reason}. {@link #MAX_LIFETIME} is
 * decided by the agent from the connection's age against the pool's configured max lifetime; {@link
 * #IDLE_TIMEOUT} and {@link #BROKEN} come from the pool's own counters where it keeps them;
 * everything else is {@link #OTHER}.
 */
public enum CloseReason {
  /** Closed after idling past the pool's idle timeout. */
  IDLE_TIMEOUT("idle_timeout"),
  /** Retired at (or past) the pool's max lifetime. */
  MAX_LIFETIME("max_lifetime"),
  /** Failed the pool's validation or was found broken. */
  BROKEN("broken"),
  /** Any other close: pool shutdown, shrinking, reasons the pool does not tell. */
  OTHER("other");

  /**
   * Hikari retires a connection up to 2.5 % before its max lifetime (a random variance so that
   * connections do not all reopen at once): an age at or above this share counts as a retirement.
   */
  static final double LIFETIME_SHARE = 0.97;

  private final String attr;

  CloseReason(String attr) {
    this.attr = attr;
  }

  /**
   * The attribute value.
   *
   * @return e.g. {@code max_lifetime}
   */
  public String attr() {
    return attr;
  }
}
