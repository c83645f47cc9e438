package io.poolscope.agent.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lease's transitions, each a compare-and-set that loses once the stamp moved on. */
class LeaseStateTest {
  private final Lease lease = new Lease(null);

  private long claim() {
    lease.claim(null, new Object(), 1, null, 1);
    return lease.stamp();
  }

  @Test
  void suspectWinsOnceAndOnlyOnTheSameLease() {
    long s = claim();
    assertThat(Lease.state(s)).isEqualTo(Lease.ACTIVE);
    long marked = lease.suspect(s);
    assertThat(marked).isEqualTo(lease.stamp());
    assertThat(Lease.state(marked)).isEqualTo(Lease.SUSPECTED);
    assertThat(Lease.sameLease(s, marked)).isTrue();
    assertThat(lease.suspect(s)).isEqualTo(Lease.LOST);
    assertThat(lease.suspect(marked)).isEqualTo(Lease.LOST);
  }

  @Test
  void closerEndsASuspectedLeaseAsReturnedWithItsEndTime() {
    long marked = lease.suspect(claim());
    assertThat(lease.freeByCloser(marked)).isFalse();
    assertThat(lease.returnSuspected(marked, 42)).isTrue();
    assertThat(Lease.state(lease.stamp())).isEqualTo(Lease.RETURNED);
    assertThat(lease.end()).isEqualTo(42);
    lease.release(lease.stamp());
    assertThat(Lease.state(lease.stamp())).isEqualTo(Lease.FREE);
  }

  @Test
  void aReusedSlotIsANewLease() {
    long first = claim();
    assertThat(lease.freeByCloser(first)).isTrue();
    long second = claim();
    assertThat(Lease.sameLease(first, second)).isFalse();
    assertThat(lease.suspect(first)).isEqualTo(Lease.LOST);
    assertThat(Lease.state(lease.stamp())).isEqualTo(Lease.ACTIVE);
  }
}
