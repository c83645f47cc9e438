package io.poolscope.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Leak events raised while the collector is down are kept (bounded) and sent when it returns. */
class LeakBufferIT {

  @Test
  void leakEventsSurviveACollectorOutageAndAreSentWhenItReturns() throws Exception {
    try (OtlpReceiver r = new OtlpReceiver()) {
      r.down.set(true);
      try (ChildJvm child =
          ChildJvm.builder()
              .lib("hikari-newest")
              .agentArgs("endpoint=" + r.endpoint() + ",interval=200ms,leakThreshold=1s")
              .app("pool=hikari", "scenario=leaks", "holdMs=2500")
              .start()) {
        child.awaitStdout("READY");
        // The agent tried (and failed) to export several times while we were down. While the
        // metrics fail it does not try the events too, and it backs off (6 s at most here).
        Await.until(() -> r.rejected.get() >= 3, 60, () -> "rejected exports" + child);
        assertThat(r.logs).isEmpty();
        r.down.set(false);
        Await.until(
            () ->
                r.telemetry().leakEvents("returned", "orders-pool").size() == 1
                    && r.telemetry().leakEvents("collected", "orders-pool").size() == 1,
            60,
            () -> "events after the outage: " + r.telemetry().logRecords() + child);
        child.send("quit");
        child.finish();
        Telemetry t = r.telemetry();
        assertThat(t.leakEvents("suspected", "orders-pool")).hasSizeBetween(1, 2);
        // Each event exactly once: nothing lost, nothing sent twice.
        assertThat(t.logRecords()).hasSize(t.leakEvents("suspected", "orders-pool").size() + 2);
      }
    }
  }
}
