package io.poolscope.alerts.internal.rules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The part of Prometheus' annotation templating that alert text needs: {@code {{ $value }}}, {@code
 * {{ $labels.name }}}, optionally piped through {@code humanize}, {@code humanizePercentage},
 * {@code humanizeDuration} or {@code printf "%.2f"}. The syntax is Go template syntax, so the same
 * annotation works unchanged in a Prometheus rule file.
 *
 * <p>Two values are Poolscope's own and fixed per rule: {@code {{ $for }}} (the rule's {@code
 * for:}) and {@code {{ $range }}} (the window of its {@code increase}/{@code rate}), both in words
 * ("15 seconds", "5 minutes"). Prometheus has no such variables, so {@link #exportText} writes them
 * out as text for a Prometheus rule file.
 */
public final class Template {
  private static final Pattern TRAILING_ZEROS = Pattern.compile("\\.?0+$");
  private static final Pattern PRINTF = Pattern.compile("%[-+ 0#]*[0-9]*(\\.[0-9]+)?[fgeGE]");

  /** The per-rule values a template may name, without their {@code $}. */
  public static final List<String> CONSTANTS = List.of("for", "range");

  private interface Part {
    void render(StringBuilder out, Map<String, String> labels, double value);
  }

  /** One piece of the template: its source text, and the constant it names, if it is one. */
  private record Piece(String source, String constant, Part part) {}

  private final String text;
  private final List<Piece> pieces;
  private final Map<String, String> constants;

  private Template(String text, List<Piece> pieces, Map<String, String> constants) {
    this.text = text;
    this.pieces = pieces;
    this.constants = constants;
  }

  /**
   * Compiles a template.
   *
   * @throws IllegalArgumentException naming the action and why it is not supported
   */
  public static Template compile(String text) {
    List<Piece> pieces = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf("{{", i);
      if (open < 0) {
        String lit = text.substring(i);
        pieces.add(new Piece(lit, null, (out, l, v) -> out.append(lit)));
        break;
      }
      String lit = text.substring(i, open);
      pieces.add(new Piece(lit, null, (out, l, v) -> out.append(lit)));
      int close = text.indexOf("}}", open);
      if (close < 0) {
        throw new IllegalArgumentException("template: '{{' without '}}'");
      }
      String action = text.substring(open + 2, close).trim();
      String source = text.substring(open, close + 2);
      String constant =
          action.startsWith("$") && CONSTANTS.contains(action.substring(1))
              ? action.substring(1)
              : null;
      pieces.add(new Piece(source, constant, constant == null ? action(action) : null));
      i = close + 2;
    }
    return new Template(text, List.copyOf(pieces), Map.of());
  }

  /** The constants ({@code for}, {@code range}) this template names. */
  public List<String> constantsUsed() {
    return pieces.stream().map(Piece::constant).filter(c -> c != null).distinct().toList();
  }

  /**
   * This template with its constants' values.
   *
   * @param values text for each of {@link #constantsUsed()}
   */
  public Template with(Map<String, String> values) {
    return new Template(text, pieces, Map.copyOf(values));
  }

  /** Fills the template in. */
  public String render(Map<String, String> labels, double value) {
    StringBuilder sb = new StringBuilder();
    for (Piece p : pieces) {
      if (p.constant() != null) {
        sb.append(constants.getOrDefault(p.constant(), ""));
      } else {
        p.part().render(sb, labels, value);
      }
    }
    return sb.toString();
  }

  /**
   * The source text with the constants written out and every other action kept: the same text for a
   * Prometheus rule file, which has no {@code $for} or {@code $range}.
   */
  public String exportText() {
    StringBuilder sb = new StringBuilder();
    for (Piece p : pieces) {
      sb.append(p.constant() != null ? constants.getOrDefault(p.constant(), "") : p.source());
    }
    return sb.toString();
  }

  /** The template's source text. */
  @Override
  public String toString() {
    return text;
  }

  private static Part action(String action) {
    String[] pipeline = action.split("\\|");
    String head = pipeline[0].trim();
    if (head.startsWith("$labels.")) {
      String label = head.substring("$labels.".length());
      if (pipeline.length > 1 || !label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        throw new IllegalArgumentException("template: unsupported action '{{ " + action + " }}'");
      }
      return (out, l, v) -> out.append(l.getOrDefault(label, ""));
    }
    if (!head.equals("$value")) {
      throw new IllegalArgumentException(
          "template: unsupported action '{{ "
              + action
              + " }}' (supported: $value, $labels.<name>, $for, $range, and $value piped to"
              + " humanize, humanizePercentage, humanizeDuration or printf \"%.2f\")");
    }
    if (pipeline.length == 1) {
      return (out, l, v) -> out.append(plain(v));
    }
    if (pipeline.length > 2) {
      throw new IllegalArgumentException("template: one function per pipeline: '" + action + "'");
    }
    String fn = pipeline[1].trim();
    switch (fn) {
      case "humanize":
        return (out, l, v) -> out.append(humanize(v));
      case "humanizePercentage":
        return (out, l, v) -> out.append(fmt("%.4g", v * 100)).append('%');
      case "humanizeDuration":
        return (out, l, v) -> out.append(duration(v));
      default:
        if (fn.startsWith("printf ")) {
          String arg = fn.substring("printf ".length()).trim();
          if (arg.length() >= 2 && arg.startsWith("\"") && arg.endsWith("\"")) {
            String f = arg.substring(1, arg.length() - 1);
            if (PRINTF.matcher(f).matches()) {
              return (out, l, v) -> out.append(String.format(Locale.ROOT, f, v));
            }
          }
        }
        throw new IllegalArgumentException("template: unsupported function '" + fn + "'");
    }
  }

  /** Go's shortest float formatting, closely enough: 57, 0.84, 1e-05 become 57, 0.84, 0.00001. */
  static String plain(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  private static String humanize(double v) {
    double a = Math.abs(v);
    if (a == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return plain(v);
    }
    String[] big = {"", "k", "M", "G", "T", "P", "E"};
    String[] small = {"", "m", "u", "n", "p"};
    int i = 0;
    if (a >= 1) {
      while (a >= 1000 && i < big.length - 1) {
        a /= 1000;
        i++;
      }
      return fmt("%.4g", Math.copySign(a, v)) + big[i];
    }
    while (a < 1 && i < small.length - 1) {
      a *= 1000;
      i++;
    }
    return fmt("%.4g", Math.copySign(a, v)) + small[i];
  }

  private static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return plain(seconds);
    }
    if (Math.abs(seconds) < 1) {
      return fmt("%.4g", seconds * 1000) + "ms";
    }
    long s = (long) seconds;
    StringBuilder sb = new StringBuilder();
    long[] units = {86400, 3600, 60};
    String[] names = {"d ", "h ", "m "};
    for (int k = 0; k < units.length; k++) {
      if (s >= units[k]) {
        sb.append(s / units[k]).append(names[k]);
        s %= units[k];
      }
    }
    return sb.append(s).append('s').toString();
  }

  private static String fmt(String f, double v) {
    // %.4g keeps trailing zeros in Java; trim them as Go does.
    String s = String.format(Locale.ROOT, f, v);
    if (s.contains(".") && !s.contains("e")) {
      s = TRAILING_ZEROS.matcher(s).replaceFirst("");
    }
    return s;
  }
}
