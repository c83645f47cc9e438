package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.it.Telemetry.Point;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Who holds the pool's connections right now: a real HikariCP pool whose connections three named
 * threads hold, and the export naming them oldest first with the line that borrowed each.
 */
class OldestHoldersIT {
  private static final String METRIC = "poolscope.connection.holder.age";

  /** The holder points of the newest export that carries {@code n} of them for the pool. */
  private static List<Point> latest(Telemetry t, int n) {
    List<Point> found = List.of();
    for (var req : t.metricRequests) {
      List<Point> ps =
          Telemetry.points(req, METRIC).stream()
              .filter(p -> "billing-pool".equals(p.attr("db.client.connection.pool.name")))
              .collect(Collectors.toList());
      if (ps.size() == n) {
        found = ps;
      }
    }
    return found;
  }

  @Test
  void heldConnectionsAreExportedOldestFirstWithThreadAndBorrowerCallSite() throws Exception {
    Path release = Files.createTempFile("holders-release", "");
    Files.delete(release);
    try (OtlpReceiver r = new OtlpReceiver();
        ChildJvm child =
            ChildJvm.builder()
                .lib("hikari-newest")
                .mainClass("io.poolscope.testapp.HoldersApp")
                .agentArgs("endpoint=" + r.endpoint() + ",service=poolscope-it,interval=200ms")
                .app("release=" + release)
                .start()) {
      child.awaitStdout("HOLDING");
      Await.until(() -> latest(r.telemetry(), 3).size() == 3, 60, "an export with 3 holders");
      Files.createFile(release);
      assertThat(child.finish()).containsEntry("exit", "ok");

      Telemetry t = r.telemetry();
      List<Point> held = latest(t, 3);
      assertThat(held)
          .extracting(p -> p.attr("thread.name"))
          .containsExactly("billing-worker-1", "billing-worker-2", "refund-worker-1");
      assertThat(held.get(0).value).isGreaterThan(held.get(1).value);
      assertThat(held.get(1).value).isGreaterThan(held.get(2).value);
      // Each thread's first borrow carries its call site (LEAKS.md), trimmed to the application.
      assertThat(held.get(0).attr("code.stacktrace"))
          .startsWith("at io.poolscope.testapp.HoldersApp.chargeCard(HoldersApp.java:");
      assertThat(held.get(1).attr("code.stacktrace"))
          .startsWith("at io.poolscope.testapp.HoldersApp.chargeCard(HoldersApp.java:");
      assertThat(held.get(2).attr("code.stacktrace"))
          .startsWith("at io.poolscope.testapp.HoldersApp.refund(HoldersApp.java:")
          .doesNotContain("password")
          .doesNotContain("s3cr3t");
      assertThat(held.get(2).attr("code.stacktrace").split("\n")).hasSizeLessThanOrEqualTo(5);
      assertThat(held).allSatisfy(p -> assertThat(p.attr("db.system.name")).isEqualTo("h2"));
      assertThat(held)
          .extracting(p -> p.attr("poolscope.lease.id"))
          .doesNotHaveDuplicates()
          .allMatch(id -> id.matches("[0-9a-f]+"));
      // Once returned, the pool's last exports carry no holder.
      assertThat(
              Telemetry.points(t.metricRequests.get(t.metricRequests.size() - 1), METRIC).stream()
                  .filter(p -> "billing-pool".equals(p.attr("db.client.connection.pool.name"))))
          .isEmpty();
    } finally {
      Files.deleteIfExists(release);
    }
  }
}
