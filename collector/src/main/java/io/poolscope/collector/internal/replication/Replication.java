package io.poolscope.collector.internal.replication;

import io.poolscope.collector.internal.store.LeakEvent;
import java.util.List;

/**
 * How a collector shares what it ingests with the other replicas of its store. The single collector
 * (the H2 default) shares nothing: {@link #NONE}.
 */
public interface Replication extends AutoCloseable {

  /** Shares nothing. */
  Replication NONE =
      new Replication() {
        @Override
        public void publish(byte[] request, long now) {}

        @Override
        public void stored(List<LeakEvent> leaks) {}

        @Override
        public void close() {}
      };

  /**
   * Makes a metrics request (protobuf, already decoded once) visible to the other replicas before
   * it is applied here: all of it or, with a {@link
   * io.poolscope.collector.internal.store.StoreException}, none.
   */
  void publish(byte[] request, long now);

  /** Leak events this replica stored (the others read them from the store). */
  void stored(List<LeakEvent> leaks);

  @Override
  void close();
}
