package io.poolscope.collector.internal.store;

/** One leak log record from an agent, as stored and served by {@code /api/leaks}. */
public record LeakEvent(
    long id,
    long time,
    String state,
    String service,
    String pod,
    String instanceId,
    String pool,
    String db,
    String thread,
    Double ageSeconds,
    String leaseId,
    String callSite,
    String holderStack) {

  /** The same event with the id the store gave it. */
  public LeakEvent withId(long newId) {
    return new LeakEvent(
        newId,
        time,
        state,
        service,
        pod,
        instanceId,
        pool,
        db,
        thread,
        ageSeconds,
        leaseId,
        callSite,
        holderStack);
  }
}
