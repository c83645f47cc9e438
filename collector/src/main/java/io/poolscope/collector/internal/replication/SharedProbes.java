package io.poolscope.collector.internal.replication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolscope.collector.internal.probe.ProbeResult;
import io.poolscope.collector.internal.probe.ProbeRunner;
import io.poolscope.collector.internal.store.Store;
import io.poolscope.collector.internal.store.StoreException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probe readings shared through a PostgreSQL store: only the elected replica probes (one monitoring
 * session per database server, whatever the number of replicas); it keeps each server's latest
 * reading in the store, and the other replicas show those readings as their own.
 */
public final class SharedProbes {
  private static final Logger LOG = LoggerFactory.getLogger(SharedProbes.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Store store;

  /** Readings kept in {@code store}. */
  public SharedProbes(Store store) {
    this.store = store;
  }

  /**
   * Keeps the elected replica's reading of {@code server}. A store failure loses only this reading
   * (the next one replaces it), so it is logged at debug level: health already reports the store.
   */
  public void publish(String server, ProbeResult r) {
    try {
      store.putProbeResult(
          server, r.checkedAt() == null ? 0 : r.checkedAt(), JSON.writeValueAsString(r));
    } catch (StoreException | JsonProcessingException e) {
      LOG.debug("probe reading of {} not shared: {}", server, e.getMessage());
    }
  }

  /**
   * Hands the elected replica's readings to this replica's {@code probes}; returns whether any
   * changed. Throws a {@link StoreException} when the store is unreachable.
   */
  public boolean refresh(ProbeRunner probes) {
    Map<String, ProbeResult> byServer = new LinkedHashMap<>();
    store
        .probeResults()
        .forEach(
            (server, json) -> {
              try {
                byServer.put(server, JSON.readValue(json, ProbeResult.class));
              } catch (JsonProcessingException e) {
                LOG.debug("probe reading of {} unreadable: {}", server, e.getMessage());
              }
            });
    return probes.take(byServer);
  }
}
