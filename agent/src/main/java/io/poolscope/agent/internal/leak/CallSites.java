package io.poolscope.agent.internal.leak;

import io.poolscope.agent.internal.pools.Drivers;
import io.poolscope.agent.internal.pools.PoolAdapters;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a captured stack into {@code code.stacktrace}: the leading frames of the JDK, the agent,
 * pools, drivers and data-access frameworks are removed, so the first line is the application's own
 * call to getConnection. Runs on the agent thread when an event is reported, not per borrow.
 */
public final class CallSites {

  /** Frames kept after the first application frame. */
  public static final int MAX_FRAMES = 40;

  private static final List<String> FRAMEWORKS =
      Arrays.asList(
          "java.",
          "javax.",
          "jakarta.",
          "jdk.",
          "sun.",
          "com.sun.",
          "io.poolscope.agent.",
          "org.springframework.jdbc.",
          "org.springframework.transaction.",
          "org.springframework.orm.",
          "org.springframework.dao.",
          "org.springframework.aop.",
          "org.springframework.cglib.",
          "org.springframework.data.",
          "org.springframework.boot.jdbc.",
          "org.hibernate.",
          "org.mybatis.",
          "org.apache.ibatis.",
          "org.jooq.",
          "org.jdbi.",
          "com.p6spy.",
          "net.ttddyy.dsproxy.",
          // Drivers: DriverManager callers see the driver's connect frames first.
          "org.h2.",
          "org.hsqldb.",
          "org.mariadb.",
          "org.sqlite.");

  private CallSites() {}

  /**
   * The borrower's call site, trimmed to start at the application's frame.
   *
   * @param site the stack captured at getConnection
   * @return the formatted frames, or null when nothing is left
   */
  public static String borrower(Throwable site) {
    return borrower(site, MAX_FRAMES, true);
  }

  /**
   * The borrower's call site, trimmed to start at the application's frame, in at most {@code
   * maxFrames} lines.
   *
   * @param site the stack captured at getConnection
   * @param maxFrames frames kept from the first application frame on
   * @param countRest whether a last line says how many frames were left out
   * @return the formatted frames, or null when nothing is left
   */
  public static String borrower(Throwable site, int maxFrames, boolean countRest) {
    if (site == null) {
      return null;
    }
    StackTraceElement[] frames = site.getStackTrace();
    int first = 0;
    while (first < frames.length && isInfrastructure(frames[first])) {
      first++;
    }
    if (first == frames.length) {
      first = 0;
    }
    return format(frames, first, maxFrames, countRest);
  }

  /**
   * The current stack of the thread holding a lease, without the agent's own frames.
   *
   * @param frames the thread's stack
   * @return the formatted frames
   */
  public static String holder(StackTraceElement[] frames) {
    int first = 0;
    while (first < frames.length
        && frames[first].getClassName().startsWith("io.poolscope.agent.")) {
      first++;
    }
    return format(frames, first, MAX_FRAMES, true);
  }

  /**
   * Whether a frame belongs to the JDK, the agent, a pool, a driver, a data-access framework or
   * generated code, rather than to the application.
   *
   * @param f the frame
   * @return true for frames that are not the application's own
   */
  public static boolean isInfrastructure(StackTraceElement f) {
    String c = f.getClassName();
    if (c.contains("$$") || c.startsWith("com.sun.proxy.") || c.startsWith("jdk.proxy")) {
      return true; // generated proxies (CGLIB, JDK dynamic proxies)
    }
    // A data source of a kind the agent does not know (a wrapper, an in-house pool).
    if ("getConnection".equals(f.getMethodName())) {
      return true;
    }
    for (String p : FRAMEWORKS) {
      if (c.startsWith(p)) {
        return true;
      }
    }
    for (String p : PoolAdapters.poolPackages()) {
      if (c.startsWith(p)) {
        return true;
      }
    }
    for (String p : Drivers.PACKAGES) {
      if (c.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Class.method(File.java:line), without the module and loader prefixes of toString(). */
  private static String frame(StackTraceElement f) {
    String where;
    if (f.isNativeMethod()) {
      where = "Native Method";
    } else if (f.getFileName() == null) {
      where = "Unknown Source";
    } else if (f.getLineNumber() >= 0) {
      where = f.getFileName() + ":" + f.getLineNumber();
    } else {
      where = f.getFileName();
    }
    return f.getClassName() + "." + f.getMethodName() + "(" + where + ")";
  }

  private static String format(
      StackTraceElement[] frames, int first, int maxFrames, boolean countRest) {
    if (first >= frames.length) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    int end = Math.min(frames.length, first + maxFrames);
    for (int i = first; i < end; i++) {
      if (i > first) {
        sb.append('\n');
      }
      sb.append("at ").append(frame(frames[i]));
    }
    if (countRest && end < frames.length) {
      sb.append("\n... ").append(frames.length - end).append(" more");
    }
    return sb.toString();
  }
}
