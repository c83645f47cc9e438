package io.poolscope.agent.internal.holders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OldestHoldersTest {

  @Test
  void keepsTheOldestNOldestFirst() {
    OldestHolders h = new OldestHolders(3);
    long[] ages = {50, 10, 90, 70, 20, 90, 5};
    for (int i = 0; i < ages.length; i++) {
      h.offer("t" + i, ages[i], i, null);
    }
    assertThat(h.oldestFirst().stream().map(x -> x.ageNanos).collect(Collectors.toList()))
        .containsExactly(90L, 90L, 70L);
    assertThat(h.oldestFirst().get(2).thread).isEqualTo("t3");
  }

  @Test
  void aLimitOfZeroKeepsNothing() {
    OldestHolders h = new OldestHolders(0);
    h.offer("t", 1, 1, null);
    assertThat(h.oldestFirst()).isEmpty();
  }
}
