package io.poolscope.agent.internal.target;

import java.lang.reflect.Method;
import java.util.Locale;

/**
 * The database user of a physical connection ({@code db.user}), the name only: from the open's own
 * arguments (the {@code user} property of {@code Driver.connect}, the user argument of {@code
 * getConnection(user, password)}), else the URL's user setting, else the data source's configured
 * user. No other property or URL part is read, so a password cannot come out of here. Runs on
 * physical opens only, never per lease; it never asks the database.
 */
public final class DbUser {

  /** Longest user name kept; a longer one is reported as unknown rather than cut. */
  static final int MAX_LENGTH = 128;

  /** No known user. */
  public static final String UNKNOWN = "";

  private DbUser() {}

  /**
   * The user of an open.
   *
   * @param given the user the open was called with, or null
   * @param url the JDBC URL of the open, or null
   * @param source the driver or data source that opened it, or null
   * @return the user name, or {@link #UNKNOWN}
   */
  public static String of(String given, String url, Object source) {
    String u = clean(given);
    if (u.isEmpty() && url != null) {
      u = clean(fromUrl(url));
    }
    if (u.isEmpty() && source != null) {
      u = clean(fromSource(source));
    }
    return u;
  }

  static String clean(String u) {
    if (u == null) {
      return UNKNOWN;
    }
    String t = u.trim();
    if (t.length() > MAX_LENGTH) {
      return UNKNOWN;
    }
    for (int i = 0; i < t.length(); i++) {
      if (Character.isISOControl(t.charAt(i))) {
        return UNKNOWN;
      }
    }
    return t;
  }

  /**
   * The user a JDBC URL names: a {@code user=} or {@code username=} setting ({@code ?user=x},
   * {@code ;USER=x}), else the user info of {@code //user:password@host}, else Oracle's {@code
   * thin:user/password@}. Only the name: everything after a ':' or '/' in user info is dropped.
   *
   * @param url the URL
   * @return the user, or null
   */
  static String fromUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    for (String key : new String[] {"user=", "username=", "user id="}) {
      int from = 0;
      while (true) {
        int i = lower.indexOf(key, from);
        if (i < 0) {
          break;
        }
        char before = i == 0 ? '?' : lower.charAt(i - 1);
        if (before == '?' || before == '&' || before == ';' || before == ':') {
          int start = i + key.length();
          int end = start;
          while (end < url.length() && "&;)".indexOf(url.charAt(end)) < 0) {
            end++;
          }
          return url.substring(start, end);
        }
        from = i + 1;
      }
    }
    int slashes = url.indexOf("//");
    if (slashes >= 0) {
      int at = url.indexOf('@', slashes + 2);
      int hostEnd = firstOf(url, slashes + 2, "/?;");
      if (at > 0 && (hostEnd < 0 || at < hostEnd)) {
        String info = url.substring(slashes + 2, at);
        int colon = info.indexOf(':');
        return colon < 0 ? info : info.substring(0, colon);
      }
    }
    int thin = lower.indexOf(":thin:");
    if (thin >= 0) {
      int start = thin + ":thin:".length();
      int at = url.indexOf('@', start);
      if (at > start) {
        String info = url.substring(start, at);
        int slash = info.indexOf('/');
        return slash < 0 ? info : info.substring(0, slash);
      }
    }
    return null;
  }

  private static int firstOf(String s, int from, String chars) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The configured user of a driver's data source, through its public getter. */
  static String fromSource(Object source) {
    for (String name : new String[] {"getUser", "getUsername", "getUserName"}) {
      try {
        Method m = source.getClass().getMethod(name);
        if (m.getReturnType() == String.class) {
          return (String) m.invoke(source);
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        // Not this getter; try the next.
      }
    }
    return null;
  }
}
