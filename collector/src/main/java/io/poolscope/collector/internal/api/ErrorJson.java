package io.poolscope.collector.internal.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON error shape (API.md), {@code {"status", "error", "message"}}, encoded so that no
 * markup survives in its bytes: {@code < > & '} are written as JSON unicode escapes, which every
 * JSON parser reads back as the same characters. A message that repeats a client's path or value
 * therefore never contains a tag, whatever a browser or proxy makes of the content type.
 */
final class ErrorJson {
  private static final ObjectMapper JSON = new ObjectMapper(htmlSafe());

  private ErrorJson() {}

  /** The error body for {@code status}, {@code error} code and {@code message}. */
  static byte[] of(int status, String error, String message) {
    try {
      return JSON.writeValueAsBytes(Json.obj("status", status, "error", error, "message", message));
    } catch (JsonProcessingException e) {
      // Three plain values cannot fail to encode; keep the shape if they ever do.
      return ("{\"status\":" + status + ",\"error\":\"http_" + status + "\",\"message\":\"\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  private static JsonFactory htmlSafe() {
    JsonFactory f = new JsonFactory();
    int[] escapes = CharacterEscapes.standardAsciiEscapesForJSON();
    for (char c : new char[] {'<', '>', '&', '\''}) {
      escapes[c] = CharacterEscapes.ESCAPE_STANDARD;
    }
    f.setCharacterEscapes(
        new CharacterEscapes() {
          @Override
          public int[] getEscapeCodesForAscii() {
            return escapes;
          }

          @Override
          public SerializableString getEscapeSequence(int ch) {
            return null;
          }
        });
    return f;
  }
}
