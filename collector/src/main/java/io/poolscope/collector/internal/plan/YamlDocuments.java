package io.poolscope.collector.internal.plan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every document of a multi-document YAML stream into trees that remember the line of each
 * node, so an error about a value names the line the value is on.
 */
final class YamlDocuments {
  private static final YAMLFactory YAML = YAMLFactory.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private YamlDocuments() {}

  /** One YAML document: its tree and the line of every node, by JSON pointer. */
  record Document(String source, JsonNode root, Map<String, Integer> lines) {
    /** {@code source:line} of the node at {@code pointer}, or of its nearest ancestor. */
    String at(String pointer) {
      String p = pointer;
      while (true) {
        Integer line = lines.get(p);
        if (line != null) {
          return source + ":" + line;
        }
        if (p.isEmpty()) {
          return source;
        }
        p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
      }
    }

    /** The node at {@code pointer} ({@code /spec/replicas}); missing when absent. */
    JsonNode get(String pointer) {
      return root.at(pointer);
    }
  }

  /**
   * The documents of {@code in}, empty ones left out.
   *
   * @throws PlanInputException with {@code source:line} when the YAML does not parse
   */
  static List<Document> read(String source, Reader in) {
    List<Document> docs = new ArrayList<>();
    try (JsonParser p = YAML.createParser(in)) {
      while (p.nextToken() != null) {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root = node(p, "", lines);
        if (root != null && !root.isNull()) {
          docs.add(new Document(source, root, lines));
        }
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new PlanInputException(
          line > 0 ? source + ":" + line : source, "not valid YAML: " + reason(e));
    } catch (IOException e) {
      throw new PlanInputException(source, "cannot read: " + e.getMessage());
    }
    return docs;
  }

  /**
   * SnakeYAML's message without its echo of the source: the unindented lines ("while parsing a flow
   * mapping", "expected ',' or '}', but got <stream end>") joined into one.
   */
  private static String reason(JsonProcessingException e) {
    String msg = String.valueOf(e.getOriginalMessage());
    StringBuilder sb = new StringBuilder();
    for (String l : msg.split("\\R")) {
      if (!l.isBlank() && !Character.isWhitespace(l.charAt(0))) {
        sb.append(sb.length() == 0 ? "" : "; ").append(l.trim());
      }
    }
    return sb.length() == 0 ? PlanInputException.oneLine(msg) : sb.toString();
  }

  private static JsonNode node(JsonParser p, String pointer, Map<String, Integer> lines)
      throws IOException {
    lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
          lines.putIfAbsent(child, p.currentTokenLocation().getLineNr());
          p.nextToken();
          o.set(name, node(p, child, lines));
        }
        return o;
      case START_ARRAY:
        ArrayNode a = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(node(p, pointer + "/" + a.size(), lines));
        }
        return a;
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return NODES.numberNode(p.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_EMBEDDED_OBJECT:
        return NODES.textNode(p.getText());
      default:
        return NODES.nullNode();
    }
  }
}
