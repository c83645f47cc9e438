package io.poolscope.alerts.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Stable ids of alert instances: the same rule and labels give the same id in every process. */
public final class Fingerprints {
  private Fingerprints() {}

  /** 16 hex digits of SHA-256 over the rule name and the sorted labels. */
  public static String of(String rule, Map<String, String> labels) {
    StringBuilder sb = new StringBuilder(rule);
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      // Control-character separators (as Prometheus uses 0xff): label text does not contain them.
      sb.append('\u0001').append(e.getKey()).append('\u0002').append(e.getValue());
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
