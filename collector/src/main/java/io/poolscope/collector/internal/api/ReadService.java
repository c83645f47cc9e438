package io.poolscope.collector.internal.api;

import static io.poolscope.collector.internal.api.Json.obj;

import io.poolscope.collector.internal.budget.DatabaseBudget;
import io.poolscope.collector.internal.budget.Overview;
import io.poolscope.collector.internal.budget.OverviewService;
import io.poolscope.collector.internal.budget.ServerBudget;
import io.poolscope.collector.internal.budget.ServiceRollup;
import io.poolscope.collector.internal.budget.TargetRollup;
import io.poolscope.collector.internal.fleet.PodView;
import io.poolscope.collector.internal.store.AlertRecord;
import io.poolscope.collector.internal.store.HistoryRecorder;
import io.poolscope.collector.internal.store.LeakEvent;
import io.poolscope.collector.internal.store.Series;
import io.poolscope.collector.internal.store.Store;
import io.poolscope.collector.internal.store.TimelineEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** Builds the read API's JSON objects (API.md) from the overview, the store and alerting. */
public final class ReadService {
  private static final long DAY = 86_400_000L;

  /** Pods listed in a database's detail; the services' rollups cover the rest. */
  static final int TOP_PODS = 50;

  private final OverviewService overview;
  private final Store store;
  private final AlertsView alerts;
  private final LongSupplier clock;
  private final long intervalMillis;
  private final long stepMillis;
  private final String version;

  /** Reads from these sources; {@code stepMillis} is the stored history resolution. */
  public ReadService(
      OverviewService overview,
      Store store,
      AlertsView alerts,
      LongSupplier clock,
      long intervalMillis,
      long stepMillis,
      String version) {
    this.overview = overview;
    this.store = store;
    this.alerts = alerts;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
    this.stepMillis = stepMillis;
    this.version = version;
  }

  /** The object last built for an overview, alerts list and (for a database) id; see below. */
  private record Built(Overview overview, Object alerts, Map<String, Object> json) {}

  private volatile Built lastOverview;
  private final Map<String, Built> lastDatabase = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * {@code GET /api/overview}. Built once per overview and alerts list: every poller between two
   * computations gets the same object (and {@link ReadHandler} serializes it once).
   */
  public Map<String, Object> overview() {
    Overview o = overview.current();
    List<AlertsView.Active> active = alerts.active();
    Built b = lastOverview;
    if (b != null && b.overview() == o && b.alerts() == active) {
      return b.json();
    }
    Map<String, Object> json = overview(o, active);
    lastOverview = new Built(o, active, json);
    return json;
  }

  private Map<String, Object> overview(Overview o, List<AlertsView.Active> active) {
    List<Object> dbs = new ArrayList<>();
    for (DatabaseBudget b : o.budgets()) {
      dbs.add(FleetJson.database(b));
    }
    List<Object> svc = new ArrayList<>();
    for (ServiceRollup s : o.services()) {
      svc.add(obj("name", s.name(), "pods", s.livePods(), "stalePods", s.stalePods()));
    }
    long firing = active.stream().filter(a -> "firing".equals(a.state())).count();
    List<Object> servers = new ArrayList<>();
    for (ServerBudget s : o.servers()) {
      servers.add(ServerJson.server(s));
    }
    return obj(
        "generatedAt",
        o.fleet().time(),
        "intervalSeconds",
        intervalMillis / 1000.0,
        "servers",
        servers,
        "databases",
        dbs,
        "services",
        svc,
        "alerts",
        obj("firing", firing, "pending", active.size() - firing));
  }

  /** {@code GET /api/servers}: every server's budget with its database and role rows. */
  public List<Object> servers() {
    List<Object> out = new ArrayList<>();
    for (ServerBudget s : overview.current().servers()) {
      out.add(ServerJson.server(s));
    }
    return out;
  }

  /** {@code GET /api/servers/{id}}; 404 when unknown. */
  public Map<String, Object> server(String id) {
    ServerBudget s = overview.current().server(id);
    if (s == null) {
      throw ApiException.notFound("no database server with id '" + id + "'");
    }
    return ServerJson.server(s);
  }

  /**
   * {@code GET /api/databases/{id}}: the budget, every service's share, and the {@link #TOP_PODS}
   * pods holding most (live ones first), each listed under its service; 404 when unknown.
   */
  public Map<String, Object> database(String id) {
    Overview o = overview.current();
    TargetRollup r = o.rollups().get(id);
    if (r == null) {
      throw ApiException.notFound("no database target with id '" + id + "'");
    }
    Built last = lastDatabase.get(id);
    if (last != null && last.overview() == o) {
      return last.json();
    }
    if (lastDatabase.size() >= o.rollups().size() + 16) {
      lastDatabase.clear(); // targets forgotten since: keep one entry per current target
    }
    Map<String, Object> json = database(o, id, r);
    lastDatabase.put(id, new Built(o, null, json));
    return json;
  }

  private static Map<String, Object> database(Overview o, String id, TargetRollup r) {
    DatabaseBudget b = r.budget();
    List<PodView> top = r.pods().subList(0, Math.min(TOP_PODS, r.pods().size()));
    Map<String, List<PodView>> byService = new LinkedHashMap<>();
    for (PodView pod : top) {
      byService.computeIfAbsent(pod.service(), k -> new ArrayList<>()).add(pod);
    }
    List<Object> services = new ArrayList<>();
    for (ServiceRollup s : r.services()) {
      services.add(FleetJson.service(s, byService.getOrDefault(s.name(), List.of()), b.target()));
    }
    List<Object> clients = new ArrayList<>();
    b.probe()
        .clients()
        .forEach(
            c ->
                clients.add(
                    obj(
                        "applicationName", c.applicationName(),
                        "user", c.user(),
                        "clientAddr", c.clientAddr(),
                        "count", c.count())));
    return obj(
        "database", FleetJson.database(b),
        "server", o.serverOfTarget().get(id),
        "services", services,
        "podsShown", top.size(),
        "podsTotal", r.pods().size(),
        "clients", clients);
  }

  /**
   * One page of a list, and how long the whole list is.
   *
   * @param items the page
   * @param total the number of items in the whole list
   */
  public record Slice(List<Object> items, int total) {}

  /** {@code GET /api/services}: services by name, {@code limit} of them from {@code offset}. */
  public Slice services(int offset, int limit) {
    Overview o = overview.current();
    List<ServiceRollup> all = new ArrayList<>(o.services());
    all.sort(java.util.Comparator.comparing(ServiceRollup::name));
    Map<String, List<PodView>> pods = byService(o);
    List<Object> out = new ArrayList<>();
    for (ServiceRollup s : window(all, offset, limit)) {
      out.add(FleetJson.service(s, pods.getOrDefault(s.name(), List.of()), null));
    }
    return new Slice(out, all.size());
  }

  /**
   * {@code GET /api/services/{name}}, its pods {@code limit} at a time from {@code offset}; 404
   * when unknown. The slice's one item is the service; its total is the number of pods.
   */
  public Slice service(String name, int offset, int limit) {
    Overview o = overview.current();
    for (ServiceRollup s : o.services()) {
      if (s.name().equals(name)) {
        List<PodView> pods = new ArrayList<>(byService(o).getOrDefault(name, List.of()));
        // A stable order, so that pages of a fleet that changes between requests stay in place.
        pods.sort(java.util.Comparator.comparing(PodView::instanceId));
        return new Slice(
            List.of(FleetJson.service(s, window(pods, offset, limit), null)), pods.size());
      }
    }
    throw ApiException.notFound("no service named '" + name + "'");
  }

  private static <T> List<T> window(List<T> all, int offset, int limit) {
    if (offset >= all.size()) {
      return List.of();
    }
    return all.subList(offset, (int) Math.min(all.size(), (long) offset + limit));
  }

  /** {@code GET /api/pods/{instanceId}}; 404 when unknown. */
  public Map<String, Object> pod(String instanceId) {
    for (PodView pod : overview.current().fleet().pods()) {
      if (pod.instanceId().equals(instanceId)) {
        return FleetJson.pod(pod, null, true);
      }
    }
    throw ApiException.notFound("no pod with instance id '" + instanceId + "'");
  }

  /** {@code GET /api/leaks}. */
  public List<Object> leaks(String db, String service, int limit) {
    List<Object> out = new ArrayList<>();
    for (LeakEvent e : store.leaks(db, service, limit)) {
      out.add(
          obj(
              "id", e.id(),
              "time", e.time(),
              "state", e.state(),
              "service", e.service(),
              "pod", e.pod(),
              "instanceId", e.instanceId(),
              "pool", e.pool(),
              "db", e.db(),
              "thread", e.thread(),
              "ageSeconds", e.ageSeconds(),
              "leaseId", e.leaseId(),
              "callSite", e.callSite(),
              "holderStack", e.holderStack()));
    }
    return out;
  }

  private static final java.util.Set<String> SERVER_SERIES =
      java.util.Set.of("open", "usable", "planned", "actual");

  /**
   * {@code GET /api/history?server=}: a server's open, usable, planned and actual, and the alerts
   * fired on it; 404 for a server the collector does not know now.
   */
  public Map<String, Object> serverHistory(String server, Long from, Long to) {
    if (overview.current().server(server) == null) {
      throw ApiException.notFound("no database server with id '" + server + "'");
    }
    Map<String, Object> out = history(HistoryRecorder.SERVER_PREFIX + server, from, to);
    out.remove("db");
    out.remove("pools");
    // A server has no waits or uses of its own: those are its pools', on the database views.
    List<Object> series = new ArrayList<>();
    for (Object o : (List<?>) out.get("series")) {
      if (SERVER_SERIES.contains(((Map<?, ?>) o).get("name"))) {
        series.add(o);
      }
    }
    out.put("series", series);
    out.put("server", server);
    return out;
  }

  /** {@code GET /api/history}; {@code from}/{@code to} null mean the last hour. */
  public Map<String, Object> history(String db, Long from, Long to) {
    long end = to != null ? to : clock.getAsLong();
    long start = from != null ? from : end - 3_600_000L;
    if (start > end) {
      throw ApiException.badRequest("from (" + start + ") is after to (" + end + ")");
    }
    long step = stepMillis;
    if (end - start > DAY) {
      // About 1440 points whatever the range, in whole steps.
      long want = (end - start) / 1440;
      step = Math.max(stepMillis, (want + stepMillis - 1) / stepMillis * stepMillis);
    }
    List<Object> series = new ArrayList<>();
    for (Series s : store.history(db, start, end, step)) {
      series.add(obj("name", s.name(), "points", s.points()));
    }
    // One mark per rule (or deploy text) per step, however many alert instances moved together.
    Map<List<Object>, Map<String, Object>> grouped = new LinkedHashMap<>();
    for (TimelineEvent e : store.events(db, start, end)) {
      List<Object> key = List.of(e.kind(), e.text(), e.time() / step);
      Map<String, Object> g = grouped.get(key);
      if (g != null) {
        g.put("count", (Integer) g.get("count") + 1);
        continue;
      }
      if (grouped.size() >= 1000) {
        break;
      }
      grouped.put(key, obj("time", e.time(), "kind", e.kind(), "text", e.text(), "count", 1));
    }
    List<Object> events = new ArrayList<>(grouped.values());
    return obj(
        "db", db,
        "from", start,
        "to", end,
        "stepSeconds", Json.num(step / 1000.0),
        "series", series,
        "events", events,
        "pools", PoolSeries.of(store.poolHistory(db, start, end), step));
  }

  /** {@code GET /api/alerts}. */
  public Map<String, Object> alerts() {
    List<Object> active = new ArrayList<>();
    for (AlertsView.Active a : alerts.active()) {
      active.add(
          obj(
              "rule", a.rule(),
              "state", a.state(),
              "severity", a.severity(),
              "labels", a.labels(),
              "value", a.value(),
              "activeSince", a.activeSince(),
              "firedAt", a.firedAt(),
              "summary", a.summary(),
              "description", a.description()));
    }
    List<Object> history = new ArrayList<>();
    for (AlertRecord r : store.alerts(200)) {
      history.add(
          obj(
              "time", r.time(),
              "rule", r.rule(),
              "labels", r.labels(),
              "event", r.event(),
              "value", r.value(),
              "deliveries", new RawJson(r.deliveriesJson())));
    }
    return obj("active", active, "history", history);
  }

  private volatile java.util.function.Supplier<Map<String, Object>> replicaHealth = Map::of;

  /** Adds the store and leader state of a replicated collector to {@link #health}. */
  public void replicaHealth(java.util.function.Supplier<Map<String, Object>> health) {
    this.replicaHealth = health;
  }

  /**
   * {@code GET /api/health}: {@code status} is {@code ok}, or {@code store_unavailable} when a
   * replicated collector cannot reach its store (then the handler answers 503: not ready).
   */
  public Map<String, Object> health() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "ok");
    out.put("version", version);
    out.putAll(replicaHealth.get());
    return out;
  }

  private static Map<String, List<PodView>> byService(Overview o) {
    Map<String, List<PodView>> out = new LinkedHashMap<>();
    for (PodView pod : o.fleet().pods()) {
      out.computeIfAbsent(pod.service(), k -> new ArrayList<>()).add(pod);
    }
    return out;
  }
}
