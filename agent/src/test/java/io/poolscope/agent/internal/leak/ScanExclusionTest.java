package io.poolscope.agent.internal.leak;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolscope.agent.internal.record.Registry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The periodic scan and the export's scan run on two threads; their passes must never overlap. */
class ScanExclusionTest {

  @Test
  void aSecondCallerWaitsForTheRunningPass() throws Exception {
    LeakScanner scanner = new LeakScanner(new Registry(), new EventBuffer(10), 1_000_000_000L, 0);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInside = new AtomicInteger();
    AtomicInteger passes = new AtomicInteger();
    CountDownLatch firstEntered = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    scanner.duringScan =
        () -> {
          mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
          try {
            if (passes.getAndIncrement() == 0) {
              firstEntered.countDown();
              releaseFirst.await(30, TimeUnit.SECONDS);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inside.decrementAndGet();
          }
        };

    Thread first = new Thread(scanner::scan, "scan-1");
    first.start();
    assertThat(firstEntered.await(30, TimeUnit.SECONDS)).isTrue();
    Thread second = new Thread(scanner::scan, "scan-2");
    second.start();
    // Without the exclusion the second pass enters at once and the count of passes reaches 2.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!scanner.waiting(second) && passes.get() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(passes.get()).as("passes entered while the first runs").isEqualTo(1);
    assertThat(scanner.waiting(second)).isTrue();

    releaseFirst.countDown();
    first.join(30_000);
    second.join(30_000);
    assertThat(passes.get()).isEqualTo(2);
    assertThat(mostInside.get()).as("passes running at once").isEqualTo(1);
  }
}
