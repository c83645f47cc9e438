package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A password planted in the JDBC URL (as a URL setting) and given to the pool never leaves the JVM:
 * not in any metrics or leak-event export byte, and not in anything the agent prints, with {@code
 * debug=true} so that every diagnostic the agent has is printed too. The collector side of the same
 * promise (probe URL, logs, API, /metrics, store file) is the collector's SecurityTest.
 */
class PlantedPasswordIT {
  static final String PLANTED = "Pl4nted-Secret-77";

  @Test
  void plantedPasswordIsInNoExportAndNoAgentOutput() throws Exception {
    String url = "jdbc:h2:mem:planted;DB_CLOSE_DELAY=-1;USER=sa;PASSWORD=" + PLANTED;
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .agentArgs(
                    "endpoint=" + r.endpoint() + ",interval=200ms,leakThreshold=1s,debug=true")
                .app(
                    "pool=hikari",
                    "scenario=leaks",
                    "holdMs=2500",
                    "url=" + url,
                    "user=sa",
                    "password=" + PLANTED)
                .start()) {
      child.awaitStdout("READY");
      // Leak events too: their stacks and thread names are the richest text the agent sends.
      Await.until(
          () ->
              !r.telemetry().leakEvents("returned", "orders-pool").isEmpty()
                  && !r.telemetry().leakEvents("collected", "orders-pool").isEmpty(),
          60,
          () -> "leak events " + r.telemetry().logRecords() + child);
      child.send("quit");
      child.finish();
      List<String> outputs = new ArrayList<>();
      for (byte[] body : r.raw) {
        outputs.add("export: " + new String(body, StandardCharsets.ISO_8859_1));
      }
      outputs.add("stdout: " + String.join("\n", child.stdout));
      outputs.add("stderr: " + String.join("\n", child.stderr));
      assertThat(r.raw).hasSizeGreaterThan(2);
      assertThat(child.stderr)
          .as("debug output was on, so the scan covered it")
          .anyMatch(l -> l.startsWith("poolscope"));
      for (String out : outputs) {
        assertThat(out)
            .as(out.substring(0, Math.min(120, out.length())))
            .doesNotContain(PLANTED)
            .doesNotContain("PASSWORD=");
      }
      // The planted URL really was the one in use: its database name is in the exports.
      assertThat(String.join("\n", outputs)).contains("planted");
    }
  }
}
