package io.poolscope.agent.internal.family;

import io.poolscope.agent.internal.leak.CallSites;
import java.lang.StackWalker.StackFrame;
import java.util.Optional;

/**
 * The pool family key, {@code poolscope.pool.family}: the pool's type and the first application
 * frame of the stack that constructed it, {@code HikariDataSource@com.acme.Jobs.run:42}. A job that
 * builds a pool every run builds every one of them at the same line, so they share one key however
 * many there are. Computed once per pool, inside its constructor (a rare path), by walking at most
 * {@link #MAX_FRAMES} frames; never on a borrow.
 */
public final class ConstructionSite {

  /** Frames looked at before giving up (the caller then falls back to the pool's name). */
  static final int MAX_FRAMES = 256;

  /** The longest key: what the collector accepts for a name. */
  static final int MAX_LENGTH = 256;

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private ConstructionSite() {}

  /**
   * The family key of a pool being constructed on this thread.
   *
   * @param pool the pool's class (its own constructors and those of its superclasses, an
   *     application's subclass included, are not the construction site)
   * @param type the pool's type, {@code poolscope.pool.type}
   * @return the key, or null when no application frame is on the stack
   */
  public static String key(Class<?> pool, String type) {
    Optional<StackFrame> site =
        WALKER.walk(s -> s.limit(MAX_FRAMES).filter(f -> isApplication(f, pool)).findFirst());
    return site.map(
            f ->
                bounded(type, f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber()))
        .orElse(null);
  }

  /**
   * {@code type@where}, at most {@link #MAX_LENGTH} characters: a longer one keeps the end of
   * {@code where} (method and line tell sites apart best), so the key stays stable.
   */
  static String bounded(String type, String where) {
    String key = type + "@" + where;
    if (key.length() <= MAX_LENGTH) {
      return key;
    }
    int keep = Math.max(0, MAX_LENGTH - type.length() - 2);
    return (type + "@~" + where.substring(where.length() - keep)).substring(0, MAX_LENGTH);
  }

  /**
   * Not the JDK, the agent, a pool, a driver or a data-access framework (the same frames {@link
   * CallSites} removes from a borrower's stack), not reflection, not generated or synthetic code,
   * and not the pool's own class hierarchy.
   */
  static boolean isApplication(StackFrame f, Class<?> pool) {
    Class<?> c = f.getDeclaringClass();
    if (c.isSynthetic() || c.isAssignableFrom(pool)) {
      return false;
    }
    String method = f.getMethodName();
    if (method.startsWith("access$")) {
      return false; // a compiler-made accessor; the caller's line is the one that matters
    }
    return !CallSites.isInfrastructure(f.toStackTraceElement());
  }
}
