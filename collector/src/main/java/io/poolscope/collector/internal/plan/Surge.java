package io.poolscope.collector.internal.plan;

/**
 * A RollingUpdate {@code maxSurge}: a number of pods, or a percentage of the replicas that
 * Kubernetes rounds up (a surge of 25 % on 10 replicas is 3 pods).
 */
public record Surge(int pods, Integer percent) {
  /** No surge: Recreate strategy, a StatefulSet, or {@code maxSurge: 0}. */
  public static final Surge NONE = new Surge(0, null);

  /** Kubernetes' default for a Deployment. */
  public static final Surge DEFAULT = new Surge(0, 25);

  /** The extra pods during a rollout of {@code replicas}. */
  public int of(int replicas) {
    if (percent == null) {
      return pods;
    }
    return (int) ((replicas * (long) percent + 99) / 100);
  }

  /**
   * Parses {@code 3} or {@code 25%}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Surge parse(String text) {
    String s = text.trim();
    boolean pct = s.endsWith("%");
    String digits = pct ? s.substring(0, s.length() - 1).trim() : s;
    int v;
    try {
      v = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "maxSurge '" + s + "' is neither a number of pods nor a percentage like 25%");
    }
    if (v < 0) {
      throw new IllegalArgumentException("maxSurge must not be negative, not " + s);
    }
    return pct ? new Surge(0, v) : new Surge(v, null);
  }

  @Override
  public String toString() {
    return percent == null ? Integer.toString(pods) : percent + "%";
  }
}
