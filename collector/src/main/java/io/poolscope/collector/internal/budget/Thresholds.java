package io.poolscope.collector.internal.budget;

import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The utilization at which a budget turns amber and red, read from the rules that alert on a
 * budget's utilization ({@code poolscope_db_connections_utilization_ratio}, the server's {@code
 * poolscope_server_connections_utilization_ratio} and its database and role rows'): a page colours
 * by the same numbers that page someone. {@code warning} is the lowest threshold of such a rule of
 * severity warning or info; {@code critical} that of a rule of severity critical or error, else 1
 * (the database refuses past its usable limit). Without any such rule, {@code warning} is null.
 */
public record Thresholds(Double warning, double critical) {
  /** A budget's utilization: a target's, a server's, or a server's database or role row. */
  private static final Pattern BUDGET =
      Pattern.compile(
          "poolscope_(db|server|server_database|server_role)_connections_utilization_ratio");

  private static final Pattern COMPARISON =
      Pattern.compile("\\)?\\s*>=?\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*$");

  /** The built-in rules' thresholds. */
  public static final Thresholds DEFAULT = from(RuleSet.defaults());

  /** Reads the thresholds of {@code rules}. */
  public static Thresholds from(RuleSet rules) {
    Double warning = null;
    Double critical = null;
    for (Rule r : rules.rules()) {
      String expr = r.expr().strip();
      if (!BUDGET.matcher(expr).find()) {
        continue;
      }
      Matcher m = COMPARISON.matcher(expr);
      if (!m.find()) {
        continue;
      }
      double v;
      try {
        v = Double.parseDouble(m.group(1));
      } catch (NumberFormatException e) {
        continue;
      }
      String severity = r.labels().getOrDefault("severity", "warning");
      if (severity.equals("critical") || severity.equals("error")) {
        critical = critical == null ? v : Math.min(critical, v);
      } else {
        warning = warning == null ? v : Math.min(warning, v);
      }
    }
    return new Thresholds(warning, critical == null ? 1.0 : critical);
  }

  /**
   * {@code ok}, {@code warning} or {@code critical} for a utilization; {@code unknown} for null.
   */
  public String state(Double utilization) {
    if (utilization == null) {
      return "unknown";
    }
    if (utilization >= critical) {
      return "critical";
    }
    return warning != null && utilization >= warning ? "warning" : "ok";
  }
}
