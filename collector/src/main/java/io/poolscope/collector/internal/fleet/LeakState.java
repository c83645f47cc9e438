package io.poolscope.collector.internal.fleet;

import java.util.Locale;

/** The {@code poolscope.leak.state} values of the contract. */
public enum LeakState {
  /** Still held past the leak threshold. */
  SUSPECTED,
  /** Returned after the threshold. */
  RETURNED,
  /** Dropped by the application without close(). */
  COLLECTED;

  /** The state an attribute value names, or null for a value outside the contract. */
  public static LeakState of(String attr) {
    if (attr == null) {
      return null;
    }
    return switch (attr) {
      case "suspected" -> SUSPECTED;
      case "returned" -> RETURNED;
      case "collected" -> COLLECTED;
      default -> null;
    };
  }

  /** The attribute value and label value: {@code suspected}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
