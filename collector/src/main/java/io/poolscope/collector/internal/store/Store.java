package io.poolscope.collector.internal.store;

import java.util.List;

/**
 * Durable history: budget figures per database target and per pool at one step, leak events, alert
 * history and timeline events. Implementations migrate their schema when opened and are safe for
 * concurrent use.
 */
public interface Store extends AutoCloseable {

  /** Appends one step of figures. */
  void appendHistory(List<HistoryRow> dbRows, List<PoolHistoryRow> poolRows);

  /** Series of one target between {@code from} and {@code to}, averaged per {@code stepMillis}. */
  List<Series> history(String db, long from, long to, long stepMillis);

  /** The stored pool figures of one target, newest step first. */
  List<PoolHistoryRow> poolHistory(String db, long from, long to);

  /** Stores leak events; returns them with their ids. */
  List<LeakEvent> addLeaks(List<LeakEvent> events);

  /** Newest first; null filters match everything. */
  List<LeakEvent> leaks(String db, String service, int limit);

  /** Records an alert history entry; returns its id. */
  long addAlert(AlertRecord record);

  /** Replaces the delivery attempts (a JSON array) of an alert history entry. */
  void updateAlertDeliveries(long id, String deliveriesJson);

  /** Newest first. */
  List<AlertRecord> alerts(int limit);

  /** Records a timeline event. */
  void addEvent(TimelineEvent event);

  /** Events for one target (and those for every target) in a time range, oldest first. */
  List<TimelineEvent> events(String db, long from, long to);

  /** Replaces the saved alert engine state (see {@link AlertStateTable}). */
  void replaceAlertState(List<io.poolscope.alerts.SavedAlert> state);

  /** The saved alert engine state; empty when none was saved. */
  List<io.poolscope.alerts.SavedAlert> alertState();

  /** Upserts pods' latest exports, all or none (shared stores only). */
  void upsertPods(List<PodExport> exports);

  /** Exports received after {@code receivedAfter} by replicas other than {@code exceptReplica}. */
  List<PodExport> podsSince(long receivedAfter, String exceptReplica);

  /** Leak events with an id above {@code afterId}, oldest first. */
  List<LeakEvent> leaksAfter(long afterId, int limit);

  /** Keeps the latest probe reading (JSON) of one database server (shared stores only). */
  void putProbeResult(String server, long checkedAt, String json);

  /** The latest probe reading (JSON) per database server (shared stores only). */
  java.util.Map<String, String> probeResults();

  /** Deletes everything older than {@code cutoff}; returns rows deleted. */
  int purgeBefore(long cutoff);

  @Override
  void close();
}
