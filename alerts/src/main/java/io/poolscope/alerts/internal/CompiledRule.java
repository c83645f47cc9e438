package io.poolscope.alerts.internal;

import io.poolscope.alerts.Rule;
import io.poolscope.alerts.internal.rules.Expr;
import io.poolscope.alerts.internal.rules.ExprParser;
import io.poolscope.alerts.internal.rules.Template;
import java.util.LinkedHashMap;
import java.util.Map;

/** A rule with its expression and templates parsed once, and its live alert instances. */
final class CompiledRule {
  final Rule rule;
  final Expr expr;
  final Map<String, Template> annotations = new LinkedHashMap<>();

  /** Active instances by label set, in order of appearance. */
  final Map<Map<String, String>, AlertInstance> active;

  CompiledRule(Rule rule, Map<Map<String, String>, AlertInstance> carriedOver) {
    this.rule = rule;
    this.expr = ExprParser.parse(rule.expr());
    Map<String, String> values = rule.templateValues();
    rule.annotations().forEach((k, v) -> annotations.put(k, Template.compile(v).with(values)));
    this.active = carriedOver;
  }

  Map<String, String> render(Map<String, String> labels, double value) {
    Map<String, String> out = new LinkedHashMap<>();
    annotations.forEach((k, t) -> out.put(k, t.render(labels, value)));
    return out;
  }
}
