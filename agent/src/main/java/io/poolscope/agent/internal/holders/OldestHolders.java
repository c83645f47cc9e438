package io.poolscope.agent.internal.holders;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The N oldest leases still held in one pool, as one scan found them: who holds the pool's
 * connections right now. Filled on the agent's thread during a scan; bounded to N entries whatever
 * the number of leases, so a pool of thousands of connections costs N entries an export.
 */
public final class OldestHolders {

  /** One held lease. */
  public static final class Holder {
    /** The borrowing thread's name. */
    public final String thread;

    /** How long it has been held, nanoseconds. */
    public final long ageNanos;

    /** The lease id, unique in this JVM. */
    public final long leaseId;

    /** The borrower's stack at getConnection, or null when it was not captured. */
    public final Throwable callSite;

    Holder(String thread, long ageNanos, long leaseId, Throwable callSite) {
      this.thread = thread;
      this.ageNanos = ageNanos;
      this.leaseId = leaseId;
      this.callSite = callSite;
    }
  }

  private final int limit;
  // Youngest first once full, so the entry to replace is at index 0; at most limit entries.
  private final ArrayList<Holder> kept;

  /**
   * An empty set.
   *
   * @param limit how many holders to keep, at least 0
   */
  public OldestHolders(int limit) {
    this.limit = Math.max(0, limit);
    this.kept = new ArrayList<>(Math.min(this.limit, 16));
  }

  /**
   * Offers one held lease; kept when it is among the {@code limit} oldest seen.
   *
   * @param thread the borrower's thread name
   * @param ageNanos how long it has been held
   * @param leaseId the lease id
   * @param callSite the borrower's stack or null
   */
  public void offer(String thread, long ageNanos, long leaseId, Throwable callSite) {
    if (limit == 0) {
      return;
    }
    if (kept.size() == limit) {
      if (ageNanos <= kept.get(0).ageNanos) {
        return;
      }
      kept.remove(0);
    }
    int i = 0;
    while (i < kept.size() && kept.get(i).ageNanos < ageNanos) {
      i++;
    }
    kept.add(i, new Holder(thread, ageNanos, leaseId, callSite));
  }

  /**
   * The kept holders, oldest first.
   *
   * @return at most {@code limit} holders
   */
  public List<Holder> oldestFirst() {
    List<Holder> out = new ArrayList<>(kept);
    Collections.reverse(out);
    return out;
  }
}
