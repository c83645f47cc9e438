package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A pool's own threads are told by name: the pool's name and a separator that ends a name. */
class ThreadOfPoolTest {
  @Test
  void hikariThreadsOfBothNamingSchemesBelongToTheirPool() {
    assertThat(Registry.threadOfPool("HikariPool-1 connection adder", "HikariPool-1")).isTrue();
    assertThat(Registry.threadOfPool("HikariPool-1:connection-adder", "HikariPool-1")).isTrue();
    assertThat(Registry.threadOfPool("billing-main housekeeper", "billing-main")).isTrue();
  }

  @Test
  void aNameThatOnlyStartsLikeThePoolsIsAnotherPools() {
    assertThat(Registry.threadOfPool("HikariPool-10:connection-adder", "HikariPool-1")).isFalse();
    assertThat(Registry.threadOfPool("billing-main-2 connection adder", "billing-main")).isFalse();
    assertThat(Registry.threadOfPool("billing_x connection adder", "billing")).isFalse();
    assertThat(Registry.threadOfPool("billing.x connection adder", "billing")).isFalse();
    assertThat(Registry.threadOfPool("billing", "billing")).isFalse();
    assertThat(Registry.threadOfPool("main", "")).isFalse();
    assertThat(Registry.threadOfPool("main", null)).isFalse();
  }
}
