package io.poolscope.collector.internal.otlp;

/** Keeps client-supplied text in error messages short and printable. */
final class Sanitize {
  private Sanitize() {}

  static String text(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
