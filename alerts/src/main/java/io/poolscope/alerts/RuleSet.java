package io.poolscope.alerts;

import io.poolscope.alerts.internal.rules.DefaultRules;
import io.poolscope.alerts.internal.rules.PrometheusRuleFile;
import io.poolscope.alerts.internal.rules.RuleFileParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An immutable list of rules with unique names, and where it came from.
 *
 * @param rules the rules, in file order
 * @param source a description of the origin ({@code built-in defaults} or a file name)
 */
public record RuleSet(List<Rule> rules, String source) {

  /** Copies the list and checks that names are unique (alert state is keyed by name). */
  public RuleSet {
    rules = List.copyOf(rules);
    Set<String> seen = new HashSet<>();
    for (Rule r : rules) {
      if (!seen.add(r.name())) {
        throw new IllegalArgumentException("duplicate rule name '" + r.name() + "'");
      }
    }
  }

  /** The built-in rules, active when no rule file is configured (listed in alerts/RULES.md). */
  public static RuleSet defaults() {
    return new RuleSet(DefaultRules.all(), "built-in defaults");
  }

  /**
   * Parses a rule file's text (Prometheus rule-file format, see alerts/RULES.md).
   *
   * @param yaml the file's content
   * @param source name used in error messages, e.g. the file name
   * @throws RuleFileException naming the line and the reason
   */
  public static RuleSet parse(String yaml, String source) {
    return new RuleSet(RuleFileParser.parse(yaml, source), source);
  }

  /**
   * Reads and parses a rule file.
   *
   * @throws RuleFileException naming the line and the reason
   * @throws UncheckedIOException when the file cannot be read
   */
  public static RuleSet load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rule file " + file, e);
    }
  }

  /**
   * These rules as a Prometheus rule file (group {@code poolscope}), for teams that evaluate in
   * Prometheus over the collector's {@code /metrics}. The text is also a valid Poolscope rule file,
   * so it is the starting point for customising the defaults.
   */
  public String toPrometheusRuleFile() {
    return PrometheusRuleFile.write(this);
  }
}
