package io.poolscope.collector.internal.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;

/** JSON text stored as written (alert deliveries), embedded without re-parsing. */
record RawJson(String text) {
  @JsonValue
  @JsonRawValue
  String value() {
    return text == null || text.isBlank() ? "[]" : text;
  }
}
