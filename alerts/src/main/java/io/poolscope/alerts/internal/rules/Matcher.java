package io.poolscope.alerts.internal.rules;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One label matcher of a selector. As in PromQL, a missing label matches as the empty string and
 * regular expressions are anchored at both ends.
 *
 * @param label label name
 * @param op one of {@code = != =~ !~}
 * @param value the literal or the regular expression
 * @param pattern compiled, anchored pattern for the regex operators, else {@code null}
 */
public record Matcher(String label, String op, String value, Pattern pattern) {

  /** Creates a matcher, compiling regexes; throws IllegalArgumentException for a bad regex. */
  public static Matcher of(String label, String op, String value) {
    Pattern p = null;
    if (op.equals("=~") || op.equals("!~")) {
      p = Pattern.compile("^(?:" + value + ")$");
    }
    return new Matcher(label, op, value, p);
  }

  /** Whether the label set satisfies this matcher. */
  public boolean matches(Map<String, String> labels) {
    String v = labels.getOrDefault(label, "");
    return switch (op) {
      case "=" -> v.equals(value);
      case "!=" -> !v.equals(value);
      case "=~" -> pattern.matcher(v).matches();
      default -> !pattern.matcher(v).matches();
    };
  }

  /** Whether every matcher is satisfied. */
  public static boolean all(List<Matcher> matchers, Map<String, String> labels) {
    for (Matcher m : matchers) {
      if (!m.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** PromQL text of a matcher list, e.g. {@code {state=~"a|b"}}. */
  public static String format(List<Matcher> matchers) {
    return matchers.stream()
        .map(m -> m.label + m.op + quote(m.value))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
