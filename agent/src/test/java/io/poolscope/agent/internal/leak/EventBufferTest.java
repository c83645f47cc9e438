package io.poolscope.agent.internal.leak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bound that keeps a long collector outage from costing more than a fixed amount of memory
 * (RELIABILITY.md): at capacity the oldest event goes, and is counted; what was sent is removed,
 * what was not stays for the next attempt.
 */
class EventBufferTest {

  static LeakEvent event(long id) {
    return new LeakEvent("suspected", "pool", null, "t", 1.0, id, null, null, id);
  }

  @Test
  void fullBufferDropsTheOldestAndCountsIt() {
    EventBuffer b = new EventBuffer(3);
    List<LeakEvent> e = List.of(event(1), event(2), event(3), event(4), event(5));
    e.forEach(b::add);
    assertThat(b.peek(10)).containsExactly(e.get(2), e.get(3), e.get(4));
    assertThat(b.dropped()).isEqualTo(2);
  }

  @Test
  void onlyWhatWasSentIsRemovedEvenIfEventsArrivedOrWereDroppedMeanwhile() {
    EventBuffer b = new EventBuffer(3);
    LeakEvent a = event(1);
    LeakEvent c = event(2);
    b.add(a);
    b.add(c);
    List<LeakEvent> batch = b.peek(10);
    // While the batch is in flight: one more event, then one that pushes the oldest out.
    LeakEvent d = event(3);
    LeakEvent f = event(4);
    b.add(d);
    b.add(f);
    b.remove(batch);
    assertThat(b.peek(10)).containsExactly(d, f);
    assertThat(b.dropped()).isEqualTo(1);
  }
}
