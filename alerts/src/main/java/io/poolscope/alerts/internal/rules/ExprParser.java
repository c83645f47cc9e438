package io.poolscope.alerts.internal.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Recursive-descent parser for the expression subset described in alerts/RULES.md. Anything outside
 * the subset is rejected with the column and the reason rather than half-supported.
 */
public final class ExprParser {

  /** A syntax error; {@link #column()} is 1-based within the expression text. */
  public static final class ParseException extends IllegalArgumentException {
    private final int column;

    ParseException(int column, String reason) {
      super("column " + column + ": " + reason);
      this.column = column;
    }

    /** 1-based column of the offending character. */
    public int column() {
      return column;
    }
  }

  private final String src;
  private int pos;

  private ExprParser(String src) {
    this.src = src;
  }

  /** Parses an expression whose result is an instant vector (what an alert needs). */
  public static Expr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ParseException(1, "empty expression");
    }
    ExprParser p = new ExprParser(text);
    Expr e = p.comparison();
    p.skipSpace();
    int start = p.pos;
    if (p.pos < p.src.length()) {
      if (isNameStart(p.src.charAt(p.pos))) {
        p.identifier(); // throws for PromQL keywords the subset lacks
        throw new ParseException(start + 1, "unexpected '" + p.src.substring(start, p.pos) + "'");
      }
      throw p.error("unexpected '" + p.src.charAt(p.pos) + "'");
    }
    if (isScalar(e)) {
      throw new ParseException(1, "expression is a number, not a series; an alert needs series");
    }
    return e;
  }

  private Expr comparison() {
    Expr left = additive();
    while (true) {
      skipSpace();
      int at = pos;
      String op = peekOp(">=", "<=", "==", "!=", ">", "<");
      if (op == null) {
        return left;
      }
      pos += op.length();
      Expr right = additive();
      if (isScalar(left) && isScalar(right)) {
        throw new ParseException(at + 1, "comparison of two numbers (PromQL needs 'bool')");
      }
      left = new Expr.Binary(op, left, right);
    }
  }

  private Expr additive() {
    Expr left = multiplicative();
    while (true) {
      skipSpace();
      String op = peekOp("+", "-");
      if (op == null) {
        return left;
      }
      pos++;
      left = new Expr.Binary(op, left, multiplicative());
    }
  }

  private Expr multiplicative() {
    Expr left = unary();
    while (true) {
      skipSpace();
      String op = peekOp("*", "/");
      if (op == null) {
        return left;
      }
      pos++;
      left = new Expr.Binary(op, left, unary());
    }
  }

  private Expr unary() {
    skipSpace();
    if (peekOp("-") != null) {
      pos++;
      return new Expr.Negate(unary());
    }
    return primary();
  }

  private Expr primary() {
    skipSpace();
    if (pos >= src.length()) {
      throw error("expression ends too early");
    }
    char c = src.charAt(pos);
    if (c == '(') {
      pos++;
      Expr e = comparison();
      expect(')');
      return e;
    }
    if (Character.isDigit(c) || c == '.') {
      return number();
    }
    if (c == '{') {
      throw error("a selector needs a series name (e.g. poolscope_pool_utilization_ratio{...})");
    }
    if (!isNameStart(c)) {
      throw error("unexpected '" + c + "'");
    }
    int start = pos;
    String name = identifier();
    skipSpace();
    if (Aggregations.OPS.contains(name)
        && (peekWord("by")
            || peekWord("without")
            || (pos < src.length() && src.charAt(pos) == '('))) {
      return aggregation(name, start);
    }
    if (pos < src.length() && src.charAt(pos) == '(') {
      return function(name, start);
    }
    Expr.Selector sel = selectorRest(name);
    skipSpace();
    if (pos < src.length() && src.charAt(pos) == '[') {
      throw error("a range selector is only allowed inside increase() or rate()");
    }
    return sel;
  }

  private Expr aggregation(String op, int start) {
    List<String> grouping = null;
    boolean without = false;
    if (peekWord("by") || peekWord("without")) {
      without = peekWord("without");
      grouping = grouping();
    }
    expect('(');
    int operandAt = pos;
    Expr operand = comparison();
    expect(')');
    skipSpace();
    if (peekWord("by") || peekWord("without")) {
      if (grouping != null) {
        throw error("a second grouping clause");
      }
      without = peekWord("without");
      grouping = grouping();
    }
    if (isScalar(operand)) {
      throw new ParseException(
          skipSpaceFrom(operandAt) + 1, op + "() aggregates series, not a number");
    }
    return new Expr.Aggregate(op, without, grouping == null ? List.of() : grouping, operand);
  }

  /** {@code by (a, b)} or {@code without (a)}, at {@code pos}; labels may be empty. */
  private List<String> grouping() {
    pos += peekWord("by") ? 2 : "without".length();
    expect('(');
    List<String> labels = new ArrayList<>();
    skipSpace();
    while (pos < src.length() && src.charAt(pos) != ')') {
      if (!isNameStart(src.charAt(pos)) || src.charAt(pos) == ':') {
        throw error("expected a label name");
      }
      int at = pos;
      while (pos < src.length()
          && (isNameStart(src.charAt(pos)) || Character.isDigit(src.charAt(pos)))) {
        pos++;
      }
      String label = src.substring(at, pos);
      if (label.contains(":")) {
        throw new ParseException(at + 1, "'" + label + "' is not a label name");
      }
      if (labels.contains(label)) {
        throw new ParseException(at + 1, "label '" + label + "' listed twice");
      }
      labels.add(label);
      skipSpace();
      if (pos < src.length() && src.charAt(pos) == ',') {
        pos++;
        skipSpace();
      } else if (pos < src.length() && src.charAt(pos) != ')') {
        throw error("expected ',' or ')'");
      }
    }
    expect(')');
    skipSpace();
    return List.copyOf(labels);
  }

  private Expr function(String name, int start) {
    if (Aggregations.UNSUPPORTED.contains(name)) {
      throw new ParseException(
          start + 1, "unsupported aggregation '" + name + "' (supported: sum, max, min, count)");
    }
    if (!name.equals("increase") && !name.equals("rate")) {
      throw new ParseException(
          start + 1, "unsupported function '" + name + "' (supported: increase, rate)");
    }
    pos++; // '('
    skipSpace();
    if (pos >= src.length() || !isNameStart(src.charAt(pos))) {
      throw error(name + "() takes a range selector, e.g. " + name + "(series[5m])");
    }
    Expr.Selector sel = selectorRest(identifier());
    skipSpace();
    expect('[');
    int durStart = pos;
    int close = src.indexOf(']', pos);
    if (close < 0) {
      throw error("missing ']'");
    }
    String durText = src.substring(durStart, close).trim();
    long millis;
    try {
      millis = Durations.parse(durText).toMillis();
    } catch (IllegalArgumentException e) {
      throw new ParseException(durStart + 1, e.getMessage());
    }
    if (millis <= 0) {
      throw new ParseException(durStart + 1, "range must be positive");
    }
    pos = close + 1;
    expect(')');
    return new Expr.RangeFunction(name, sel, millis, durText);
  }

  private Expr.Selector selectorRest(String name) {
    List<Matcher> matchers = new ArrayList<>();
    skipSpace();
    if (pos < src.length() && src.charAt(pos) == '{') {
      pos++;
      skipSpace();
      while (pos < src.length() && src.charAt(pos) != '}') {
        if (!isNameStart(src.charAt(pos))) {
          throw error("expected a label name");
        }
        String label = identifier();
        skipSpace();
        String op = peekOp("=~", "!~", "!=", "=");
        if (op == null) {
          throw error("expected one of = != =~ !~ after label '" + label + "'");
        }
        pos += op.length();
        skipSpace();
        int valueAt = pos;
        String value = string();
        try {
          matchers.add(Matcher.of(label, op, value));
        } catch (PatternSyntaxException e) {
          throw new ParseException(valueAt + 1, "bad regular expression: " + e.getDescription());
        }
        skipSpace();
        if (pos < src.length() && src.charAt(pos) == ',') {
          pos++;
          skipSpace();
        } else if (pos < src.length() && src.charAt(pos) != '}') {
          throw error("expected ',' or '}'");
        }
      }
      expect('}');
    }
    return new Expr.Selector(name, List.copyOf(matchers));
  }

  private Expr number() {
    int start = pos;
    while (pos < src.length()
        && (Character.isDigit(src.charAt(pos))
            || ".eE".indexOf(src.charAt(pos)) >= 0
            || ((src.charAt(pos) == '-' || src.charAt(pos) == '+')
                && (src.charAt(pos - 1) == 'e' || src.charAt(pos - 1) == 'E')))) {
      pos++;
    }
    String text = src.substring(start, pos);
    try {
      return new Expr.Number(Double.parseDouble(text), text);
    } catch (NumberFormatException e) {
      throw new ParseException(start + 1, "not a number: '" + text + "'");
    }
  }

  private String string() {
    if (pos >= src.length() || (src.charAt(pos) != '"' && src.charAt(pos) != '\'')) {
      throw error("expected a quoted label value");
    }
    char quote = src.charAt(pos++);
    StringBuilder sb = new StringBuilder();
    while (pos < src.length() && src.charAt(pos) != quote) {
      char c = src.charAt(pos++);
      if (c == '\\' && pos < src.length()) {
        char n = src.charAt(pos++);
        sb.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      } else {
        sb.append(c);
      }
    }
    if (pos >= src.length()) {
      throw error("unterminated string");
    }
    pos++;
    return sb.toString();
  }

  private String identifier() {
    int start = pos;
    while (pos < src.length()
        && (isNameStart(src.charAt(pos)) || Character.isDigit(src.charAt(pos)))) {
      pos++;
    }
    String id = src.substring(start, pos);
    if (id.equals("by") || id.equals("without")) {
      throw new ParseException(
          start + 1,
          "'" + id + "' belongs to an aggregation: sum, max, min or count " + id + " (...)");
    }
    if (id.equals("and")
        || id.equals("or")
        || id.equals("unless")
        || id.equals("on")
        || id.equals("ignoring")
        || id.equals("bool")) {
      throw new ParseException(start + 1, "'" + id + "' is PromQL this subset does not support");
    }
    return id;
  }

  /** Whether the keyword {@code w} starts at {@code pos} (not merely a longer name's prefix). */
  private boolean peekWord(String w) {
    int end = pos + w.length();
    return src.startsWith(w, pos)
        && (end >= src.length()
            || !(isNameStart(src.charAt(end)) || Character.isDigit(src.charAt(end))));
  }

  private int skipSpaceFrom(int from) {
    int i = from;
    while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
      i++;
    }
    return i;
  }

  private String peekOp(String... ops) {
    for (String op : ops) {
      if (src.startsWith(op, pos)) {
        return op;
      }
    }
    return null;
  }

  private void expect(char c) {
    skipSpace();
    if (pos >= src.length() || src.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
  }

  private ParseException error(String reason) {
    return new ParseException(pos + 1, reason);
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isScalar(Expr e) {
    if (e instanceof Expr.Number) {
      return true;
    }
    if (e instanceof Expr.Negate n) {
      return isScalar(n.operand());
    }
    if (e instanceof Expr.Binary b) {
      return isScalar(b.left()) && isScalar(b.right());
    }
    return false;
  }
}
