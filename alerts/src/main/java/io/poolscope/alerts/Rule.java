package io.poolscope.alerts;

import io.poolscope.alerts.internal.rules.Durations;
import io.poolscope.alerts.internal.rules.ExprParser;
import io.poolscope.alerts.internal.rules.Template;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One alerting rule, in the shape of a Prometheus alerting rule.
 *
 * <p>The constructor validates everything (expression syntax, templates, label names, severity), so
 * a {@code Rule} that exists can be evaluated.
 *
 * @param name the alert name ({@code alert:}), e.g. {@code PoolscopeBudgetHigh}
 * @param expr the expression (see alerts/RULES.md), a subset of PromQL
 * @param forDuration how long the expression must keep returning a label set before it fires
 * @param labels extra labels, including {@code severity}
 * @param annotations templated texts, conventionally {@code summary} and {@code description}
 */
public record Rule(
    String name,
    String expr,
    Duration forDuration,
    Map<String, String> labels,
    Map<String, String> annotations) {

  /** Severities a rule may carry; they map one to one onto PagerDuty's. */
  public static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

  /**
   * Validates the rule.
   *
   * @throws IllegalArgumentException with the field and the reason
   */
  public Rule {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      throw new IllegalArgumentException("alert: '" + name + "' is not a valid alert name");
    }
    long rangeMillis;
    try {
      rangeMillis = ExprParser.parse(expr).maxRangeMillis();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expr: " + e.getMessage(), e);
    }
    forDuration = forDuration == null ? Duration.ZERO : forDuration;
    if (forDuration.isNegative()) {
      throw new IllegalArgumentException("for: must not be negative");
    }
    labels = Map.copyOf(labels == null ? Map.of() : labels);
    for (String l : labels.keySet()) {
      if (!l.matches("[a-zA-Z_][a-zA-Z0-9_]*") || l.startsWith("__")) {
        throw new IllegalArgumentException("labels: '" + l + "' is not a valid label name");
      }
    }
    String sev = labels.get("severity");
    if (sev != null && !SEVERITIES.contains(sev)) {
      throw new IllegalArgumentException(
          "labels: severity '" + sev + "' is not one of critical, error, warning, info");
    }
    // Keep the author's order for display and export.
    annotations =
        java.util.Collections.unmodifiableMap(
            new LinkedHashMap<>(annotations == null ? Map.of() : annotations));
    for (Map.Entry<String, String> a : annotations.entrySet()) {
      Template t;
      try {
        t = Template.compile(a.getValue());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("annotations." + a.getKey() + ": " + e.getMessage(), e);
      }
      if (rangeMillis == 0 && t.constantsUsed().contains("range")) {
        throw new IllegalArgumentException(
            "annotations."
                + a.getKey()
                + ": template: {{ $range }} needs an increase() or rate() window in expr");
      }
    }
  }

  /**
   * The values of the per-rule template variables, in words: {@code for} ({@code {{ $for }}}, the
   * rule's {@code for:}) and, when the expression has an {@code increase}/{@code rate} window,
   * {@code range} ({@code {{ $range }}}, the longest such window).
   */
  public Map<String, String> templateValues() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("for", Durations.words(forDuration));
    long range = ExprParser.parse(expr).maxRangeMillis();
    if (range > 0) {
      out.put("range", Durations.words(Duration.ofMillis(range)));
    }
    return out;
  }

  /** The annotations as a Prometheus rule file needs them: {@code $for}, {@code $range} as text. */
  public Map<String, String> exportedAnnotations() {
    Map<String, String> values = templateValues();
    Map<String, String> out = new LinkedHashMap<>();
    annotations.forEach((k, v) -> out.put(k, Template.compile(v).with(values).exportText()));
    return out;
  }

  /** Convenience constructor taking {@code for:} as Prometheus text ({@code 1m}). */
  public static Rule of(
      String name,
      String expr,
      String forText,
      Map<String, String> labels,
      Map<String, String> annotations) {
    return new Rule(name, expr, Durations.parse(forText), labels, annotations);
  }

  /** The {@code severity} label, {@code warning} when absent. */
  public String severity() {
    return labels.getOrDefault("severity", "warning");
  }

  /**
   * Whether a reload may carry over this rule's alert state to {@code other}: same name, expression
   * and labels. A changed {@code for:} or annotation keeps state; the new values apply.
   */
  public boolean sameIdentity(Rule other) {
    return name.equals(other.name)
        && expr.strip().equals(other.expr.strip())
        && labels.equals(other.labels);
  }
}
