package io.poolscope.collector.internal.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.poolscope.collector.internal.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Parses and prints OTLP messages in both encodings. OTLP/JSON differs from the protobuf JSON
 * mapping in one way that matters to a parser: trace and span ids are hex, not base64; they are
 * rewritten before {@link JsonFormat} sees them. Enum integers, lowerCamelCase and original field
 * names, and 64-bit integers as strings or numbers are all accepted by {@link JsonFormat} itself.
 */
public final class OtlpCodec {
  private static final Set<String> ID_FIELDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();

  private OtlpCodec() {}

  /** Decodes a metrics export request; 400 naming the problem when malformed. */
  public static ExportMetricsServiceRequest metrics(byte[] body, OtlpBody.Encoding enc) {
    if (enc == OtlpBody.Encoding.PROTOBUF) {
      // Straight into messages: a builder parses into nested builders and copies them all again.
      try {
        return ExportMetricsServiceRequest.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw invalid("ExportMetricsServiceRequest", e);
      }
    }
    ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
    parse(body, enc, b, "ExportMetricsServiceRequest");
    return b.build();
  }

  /** Decodes a logs export request; 400 naming the problem when malformed. */
  public static ExportLogsServiceRequest logs(byte[] body, OtlpBody.Encoding enc) {
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    parse(body, enc, b, "ExportLogsServiceRequest");
    return b.build();
  }

  /** Encodes a response in the request's encoding. */
  public static byte[] print(Message m, OtlpBody.Encoding enc) {
    if (enc == OtlpBody.Encoding.PROTOBUF) {
      return m.toByteArray();
    }
    try {
      return PRINTER.print(m).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("response cannot be printed as JSON", e);
    }
  }

  private static void parse(byte[] body, OtlpBody.Encoding enc, Message.Builder b, String type) {
    try {
      if (enc == OtlpBody.Encoding.PROTOBUF) {
        b.mergeFrom(body);
      } else {
        PARSER.merge(hexIdsToBase64(body), b);
      }
    } catch (InvalidProtocolBufferException e) {
      throw invalid(type, e);
    } catch (RuntimeException e) {
      // JsonFormat reports some malformed input (wrong JSON types) as unchecked exceptions.
      throw ApiException.badRequest(
          "body is not a valid OTLP "
              + type
              + ": "
              + Sanitize.text(String.valueOf(e.getMessage()), 300));
    }
  }

  private static ApiException invalid(String type, InvalidProtocolBufferException e) {
    return ApiException.badRequest(
        "body is not a valid OTLP " + type + ": " + Sanitize.text(e.getMessage(), 300));
  }

  private static String hexIdsToBase64(byte[] body) throws InvalidProtocolBufferException {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidProtocolBufferException("not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new InvalidProtocolBufferException("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidProtocolBufferException("not a JSON object");
    }
    rewriteIds(root);
    return root.toString();
  }

  private static void rewriteIds(JsonNode node) {
    if (node.isObject()) {
      ObjectNode obj = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (ID_FIELDS.contains(e.getKey()) && v.isTextual() && isHex(v.asText())) {
          e.setValue(
              new TextNode(
                  Base64.getEncoder().encodeToString(HexFormat.of().parseHex(v.asText()))));
        } else {
          rewriteIds(v);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        rewriteIds(child);
      }
    }
  }

  private static boolean isHex(String s) {
    if (s.length() % 2 != 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
