package io.poolscope.alerts.internal.rules;

import io.poolscope.alerts.Rule;
import io.poolscope.alerts.RuleFileException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parses the Prometheus rule-file format into rules. It works on SnakeYAML's node graph rather than
 * on plain maps because every node keeps its line: each error names where it is.
 */
public final class RuleFileParser {
  private static final Set<String> TOP_KEYS = Set.of("groups");
  private static final Set<String> GROUP_KEYS = Set.of("name", "rules");
  private static final Set<String> RULE_KEYS =
      Set.of("alert", "expr", "for", "labels", "annotations");

  private final String source;

  private RuleFileParser(String source) {
    this.source = source;
  }

  /** Parses {@code yaml}; throws {@link RuleFileException} with line and reason. */
  public static List<Rule> parse(String yaml, String source) {
    return new RuleFileParser(source).parse(yaml);
  }

  private List<Rule> parse(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new RuleFileException(source, line, "not valid YAML: " + e.getProblem(), e);
    } catch (YAMLException e) {
      throw new RuleFileException(source, 0, "not valid YAML: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new RuleFileException(source, 1, "empty rule file (expected 'groups:')", null);
    }
    Map<String, NodeTuple> top = mapping(root, "the file", TOP_KEYS);
    NodeTuple groups = top.get("groups");
    if (groups == null) {
      throw error(root, "missing 'groups:'");
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> groupNames = new HashSet<>();
    for (Node g : sequence(groups.getValueNode(), "groups")) {
      Map<String, NodeTuple> group = mapping(g, "a group", GROUP_KEYS);
      String groupName = scalar(required(group, g, "name"), "name");
      if (!groupNames.add(groupName)) {
        throw error(group.get("name").getValueNode(), "duplicate group name '" + groupName + "'");
      }
      NodeTuple ruleList = group.get("rules");
      if (ruleList == null) {
        continue;
      }
      for (Node r : sequence(ruleList.getValueNode(), "rules")) {
        Rule rule = rule(r);
        if (!names.add(rule.name())) {
          throw error(r, "duplicate alert name '" + rule.name() + "'");
        }
        rules.add(rule);
      }
    }
    return rules;
  }

  private Rule rule(Node node) {
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        String key = keyOf(t);
        if (key.equals("record")) {
          throw error(t.getKeyNode(), "recording rules are not supported, only 'alert:' rules");
        }
        if (key.equals("keep_firing_for")) {
          throw error(t.getKeyNode(), "keep_firing_for is not supported");
        }
      }
    }
    Map<String, NodeTuple> r = mapping(node, "a rule", RULE_KEYS);
    String name = scalar(required(r, node, "alert"), "alert");
    String label = "rule '" + name + "': ";
    NodeTuple exprTuple = required(r, node, "expr");
    String expr = scalar(exprTuple, "expr");
    Duration forDuration = Duration.ZERO;
    if (r.containsKey("for")) {
      String text = scalar(r.get("for"), "for");
      try {
        forDuration = text.equals("0") ? Duration.ZERO : Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw error(r.get("for").getValueNode(), label + "for: " + e.getMessage());
      }
    }
    Map<String, String> labels = stringMap(r.get("labels"), "labels");
    Map<String, String> annotations = stringMap(r.get("annotations"), "annotations");
    try {
      ExprParser.parse(expr);
    } catch (ExprParser.ParseException e) {
      Node v = exprTuple.getValueNode();
      // A plain or quoted one-line expr sits on its own line; a block scalar starts one below.
      int line = v.getStartMark().getLine() + 1 + (expr.contains("\n") ? 1 : 0);
      throw new RuleFileException(source, line, label + "expr: " + e.getMessage(), e);
    }
    try {
      return new Rule(name, expr, forDuration, labels, annotations);
    } catch (IllegalArgumentException e) {
      Node where = node;
      String msg = e.getMessage();
      for (String k : List.of("labels", "annotations", "alert")) {
        if (msg.startsWith(k) && r.containsKey(k)) {
          where = r.get(k).getValueNode();
        }
      }
      throw error(where, label + msg);
    }
  }

  private Map<String, NodeTuple> mapping(Node node, String what, Set<String> allowed) {
    if (!(node instanceof MappingNode m)) {
      throw error(node, what + " must be a mapping");
    }
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String key = keyOf(t);
      if (!allowed.contains(key)) {
        throw error(
            t.getKeyNode(),
            "unknown key '"
                + key
                + "' in "
                + what
                + " (allowed: "
                + String.join(", ", new java.util.TreeSet<>(allowed))
                + ")");
      }
      out.put(key, t);
    }
    return out;
  }

  private List<Node> sequence(Node node, String what) {
    if (!(node instanceof SequenceNode s)) {
      throw error(node, what + " must be a list");
    }
    return s.getValue();
  }

  private NodeTuple required(Map<String, NodeTuple> map, Node owner, String key) {
    NodeTuple t = map.get(key);
    if (t == null) {
      throw error(owner, "missing '" + key + ":'");
    }
    return t;
  }

  private String scalar(NodeTuple t, String what) {
    Node v = t.getValueNode();
    if (!(v instanceof ScalarNode s)) {
      throw error(v, what + " must be a single value");
    }
    return s.getValue();
  }

  private Map<String, String> stringMap(NodeTuple t, String what) {
    Map<String, String> out = new LinkedHashMap<>();
    if (t == null) {
      return out;
    }
    Node v = t.getValueNode();
    if (v instanceof ScalarNode s && s.getValue().isEmpty()) {
      return out; // "labels:" with nothing after it
    }
    if (!(v instanceof MappingNode m)) {
      throw error(v, what + " must be a mapping of names to text");
    }
    for (NodeTuple e : m.getValue()) {
      if (!(e.getValueNode() instanceof ScalarNode s)) {
        throw error(e.getValueNode(), what + "." + keyOf(e) + " must be text");
      }
      out.put(keyOf(e), s.getValue());
    }
    return out;
  }

  private String keyOf(NodeTuple t) {
    if (!(t.getKeyNode() instanceof ScalarNode k)) {
      throw error(t.getKeyNode(), "keys must be plain text");
    }
    return k.getValue();
  }

  private RuleFileException error(Node node, String reason) {
    return new RuleFileException(source, node.getStartMark().getLine() + 1, reason, null);
  }
}
