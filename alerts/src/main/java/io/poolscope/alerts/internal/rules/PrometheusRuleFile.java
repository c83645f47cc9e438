package io.poolscope.alerts.internal.rules;

import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes rules as a Prometheus rule file. Expressions and templates are written verbatim: the
 * expression language is a PromQL subset and the templates are Go template syntax. Only the
 * per-rule values {@code {{ $for }}} and {@code {{ $range }}}, which Prometheus lacks, are written
 * out as the text they stand for.
 */
public final class PrometheusRuleFile {
  private PrometheusRuleFile() {}

  /** The rule file text, one group named {@code poolscope}. */
  public static String write(RuleSet set) {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Rule r : set.rules()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("alert", r.name());
      m.put("expr", r.expr());
      if (!r.forDuration().isZero()) {
        m.put("for", Durations.format(r.forDuration()));
      }
      if (!r.labels().isEmpty()) {
        m.put("labels", new TreeMap<>(r.labels()));
      }
      if (!r.annotations().isEmpty()) {
        m.put("annotations", r.exportedAnnotations());
      }
      rules.add(m);
    }
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", "poolscope");
    group.put("rules", rules);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setWidth(100);
    options.setSplitLines(false);
    return "# Poolscope alerting rules, exported from "
        + set.source()
        + ".\n# Expressions read the collector's /metrics series (collector/API.md).\n"
        + new Yaml(options).dump(Map.of("groups", List.of(group)));
  }
}
