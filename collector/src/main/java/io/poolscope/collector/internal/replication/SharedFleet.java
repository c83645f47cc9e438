package io.poolscope.collector.internal.replication;

import io.poolscope.collector.internal.fleet.FleetModel;
import io.poolscope.collector.internal.fleet.PodReport;
import io.poolscope.collector.internal.otlp.PodBodies;
import io.poolscope.collector.internal.store.LeakEvent;
import io.poolscope.collector.internal.store.PodExport;
import io.poolscope.collector.internal.store.Store;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The fleet shared through a PostgreSQL store: each replica upserts every pod's latest export (the
 * raw protobuf of that pod's resources, one transaction per request) and, at most once a second,
 * applies to its own fleet model the exports other replicas received since its last read, each
 * once, at the time it was received there. Leak events other replicas stored reach this replica's
 * recent-leak view the same way. So every replica's API, /metrics and SSE answer alike within one
 * read interval, whichever replica an agent's export reached.
 */
public final class SharedFleet implements Replication {
  /** Rows committed out of received-at order (slow transactions, clock skew) are read again. */
  static final long OVERLAP_MILLIS = 10_000;

  private final String replica;
  private final Store store;
  private final FleetModel fleet;
  private final Consumer<List<LeakEvent>> onLeaks;
  private final AtomicLong seq = new AtomicLong();

  /** Last applied export per pod, as "replica:seq". */
  private final Map<String, String> applied = new ConcurrentHashMap<>();

  /** Leak ids this replica stored itself, so its own are not applied twice. */
  private final Set<Long> ownLeaks =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                  return size() > 100_000;
                }
              }));

  private long watermark;
  private long lastLeakId = -1;

  /**
   * Replica {@code replica} of the fleet in {@code store}; {@code onLeaks} sees leak events stored
   * by other replicas, as ingest's own callback sees this one's.
   */
  public SharedFleet(
      String replica, Store store, FleetModel fleet, Consumer<List<LeakEvent>> onLeaks) {
    this.replica = replica;
    this.store = store;
    this.fleet = fleet;
    this.onLeaks = onLeaks;
  }

  @Override
  public void publish(byte[] request, long now) {
    Map<String, byte[]> bodies = PodBodies.split(request);
    List<PodExport> rows = new ArrayList<>(bodies.size());
    bodies.forEach(
        (pod, body) -> rows.add(new PodExport(pod, replica, now, seq.incrementAndGet(), body)));
    store.upsertPods(rows);
    for (PodExport r : rows) {
      applied.put(r.pod(), r.replica() + ":" + r.seq());
    }
  }

  @Override
  public void stored(List<LeakEvent> leaks) {
    for (LeakEvent e : leaks) {
      ownLeaks.add(e.id());
    }
  }

  /**
   * Applies what other replicas received since the last read; returns how many pod exports. Throws
   * a {@link io.poolscope.collector.internal.store.StoreException} when the store is unreachable
   * (the next read catches up: rows are kept until the pod's next export replaces them).
   */
  public synchronized int refresh() {
    if (lastLeakId < 0) {
      // Leaks stored before this replica started are history, not recent leaks.
      List<LeakEvent> newest = store.leaks(null, null, 1);
      lastLeakId = newest.isEmpty() ? 0 : newest.get(0).id();
    }
    int n = 0;
    long newest = watermark;
    for (PodExport row : store.podsSince(watermark - OVERLAP_MILLIS, replica)) {
      newest = Math.max(newest, row.receivedAt());
      String id = row.replica() + ":" + row.seq();
      if (id.equals(applied.get(row.pod()))) {
        continue;
      }
      applied.put(row.pod(), id);
      for (PodReport report : PodBodies.decode(row.body()).reports()) {
        fleet.apply(report, row.receivedAt());
      }
      n++;
    }
    watermark = newest;
    List<LeakEvent> others = new ArrayList<>();
    for (LeakEvent e : store.leaksAfter(lastLeakId, 10_000)) {
      lastLeakId = Math.max(lastLeakId, e.id());
      if (!ownLeaks.remove(e.id())) {
        others.add(e);
      }
    }
    if (!others.isEmpty()) {
      onLeaks.accept(others);
    }
    return n;
  }

  /** This replica's id in the store. */
  public String replica() {
    return replica;
  }

  @Override
  public void close() {}
}
