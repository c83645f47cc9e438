package io.poolscope.collector.internal.limits;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission of ingest bodies: at most {@link Limits#maxConcurrentBodies()} at once, and at most
 * {@link Limits#maxBytesInFlight()} bytes of body buffers among them. Never waits: a request that
 * cannot enter is refused at once (the caller answers 503 with Retry-After), so a flood of slow
 * uploads holds a bounded number of threads and reads keep the rest.
 */
public final class IngestGate {
  private final Semaphore bodies;
  private final long maxBytes;
  private final AtomicLong bytes = new AtomicLong();
  private final Refusals refusals;

  /** Admits within {@code limits}, counting refusals in {@code refusals}. */
  public IngestGate(Limits limits, Refusals refusals) {
    this.bodies = new Semaphore(limits.maxConcurrentBodies());
    this.maxBytes = limits.maxBytesInFlight();
    this.refusals = refusals;
  }

  /** Thrown when a bound is reached; the request should be retried later. */
  public static final class Saturated extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Saturated(String message) {
      super(message, null, false, false);
    }
  }

  /** A request's admission: grows its byte reservation and releases everything on close. */
  public final class Permit implements AutoCloseable {
    private long held;
    private boolean closed;

    private Permit() {}

    /**
     * Reserves {@code n} more bytes for this request's buffers.
     *
     * @throws Saturated when the bytes in flight would exceed the bound
     */
    public void reserve(long n) {
      if (n <= 0) {
        return;
      }
      long after = bytes.addAndGet(n);
      if (after > maxBytes) {
        bytes.addAndGet(-n);
        refusals.refused(
            "ingest_bytes_in_flight",
            "ingest bodies would hold more than " + maxBytes + " bytes at once");
        throw new Saturated(
            "the collector holds " + maxBytes + " bytes of ingest bodies already; retry later");
      }
      held += n;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        bytes.addAndGet(-held);
        held = 0;
        bodies.release();
      }
    }
  }

  /**
   * Admits one request.
   *
   * @throws Saturated when {@link Limits#maxConcurrentBodies()} requests are in already
   */
  public Permit enter() {
    if (!bodies.tryAcquire()) {
      refusals.refused(
          "ingest_concurrent_bodies", "more ingest bodies than the bound arrived at once");
      throw new Saturated("too many ingest requests at once; retry later");
    }
    return new Permit();
  }

  /** Bytes reserved now (for tests and the RELIABILITY.md figure). */
  public long bytesInFlight() {
    return bytes.get();
  }
}
