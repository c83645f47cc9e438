package io.poolscope.agent.internal.holders;

import io.poolscope.agent.internal.leak.CallSites;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The bounded text the holders export sends for a held lease: the thread name cut to {@link
 * #MAX_THREAD_CHARS}, and the borrower's call site as its first {@link #FRAMES} frames from the
 * first application frame on, at most {@link #MAX_SITE_CHARS}. Runs on the export thread. A call
 * site is formatted once per lease and reused while the lease stays among the oldest, so a lease
 * held for an hour is formatted once, not at every export; only the last export's sites are kept.
 */
public final class HolderText {
  /** Frames of a holder's call site, from the first application frame on. */
  public static final int FRAMES = 5;

  /** Longest call site sent, characters; a longer one ends at the last whole frame that fits. */
  public static final int MAX_SITE_CHARS = 1024;

  /** Longest thread name sent, characters. */
  public static final int MAX_THREAD_CHARS = 256;

  private Map<Throwable, String> last = new IdentityHashMap<>();
  private Map<Throwable, String> current = new IdentityHashMap<>();

  /**
   * The call site's text.
   *
   * @param site the stack captured at getConnection, or null
   * @return the frames, or null when none was captured
   */
  public String callSite(Throwable site) {
    if (site == null) {
      return null;
    }
    String s = current.get(site);
    if (s == null) {
      s = last.get(site);
      if (s == null) {
        s = cut(CallSites.borrower(site, FRAMES, false));
      }
      current.put(site, s);
    }
    return s;
  }

  /**
   * The thread name, cut to {@link #MAX_THREAD_CHARS}.
   *
   * @param name the borrower's thread name
   * @return the name sent
   */
  public static String thread(String name) {
    return name.length() <= MAX_THREAD_CHARS ? name : name.substring(0, MAX_THREAD_CHARS);
  }

  /** Ends one export: the sites it did not use are forgotten. */
  public void exported() {
    last = current;
    current = new IdentityHashMap<>();
  }

  private static String cut(String s) {
    if (s == null || s.length() <= MAX_SITE_CHARS) {
      return s;
    }
    int end = s.lastIndexOf('\n', MAX_SITE_CHARS);
    // One frame longer than the bound (a generated class name) is cut inside the frame.
    return end > 0 ? s.substring(0, end) : s.substring(0, MAX_SITE_CHARS);
  }
}
