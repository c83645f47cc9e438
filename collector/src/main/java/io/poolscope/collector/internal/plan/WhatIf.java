package io.poolscope.collector.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The plan of one change to a live service ({@code POST /api/plan}): "payments at 30 replicas with
 * a pool max of 10", against its servers' limits and the other services as they run.
 */
public final class WhatIf {
  private static final Set<String> FIELDS =
      Set.of("service", "server", "replicas", "maxReplicas", "maxSurge", "poolMax");
  private static final int MAX_COUNT = 100_000;

  /**
   * A change. Null fields keep what runs now; {@code surge} defaults to Kubernetes' 25 %, because
   * changing a Deployment's replicas or pool size rolls it out.
   *
   * @param server restricts the plan to one server; null: every server the service reaches
   */
  public record Change(
      String service,
      ServerKey server,
      Integer replicas,
      Integer maxReplicas,
      Surge surge,
      Integer poolMax) {}

  private WhatIf() {}

  /**
   * Reads a change from its JSON body.
   *
   * @throws PlanInputException naming the field that cannot be used
   */
  public static Change parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new PlanInputException(
          null,
          "the body must be a JSON object like {\"service\": \"payments\", \"replicas\": 30}");
    }
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new PlanInputException(f, "unknown field; known: " + new java.util.TreeSet<>(FIELDS));
      }
    }
    JsonNode service = body.get("service");
    if (service == null || !service.isTextual() || service.asText().isBlank()) {
      throw new PlanInputException("service", "required: the name of a live service");
    }
    ServerKey server = null;
    if (body.hasNonNull("server")) {
      try {
        server = ServerKey.parse(body.get("server").asText());
      } catch (IllegalArgumentException e) {
        throw new PlanInputException("server", e.getMessage());
      }
    }
    Surge surge = Surge.DEFAULT;
    JsonNode s = body.get("maxSurge");
    if (s != null && !s.isNull()) {
      try {
        if (!(s.isIntegralNumber() || s.isTextual())) {
          throw new IllegalArgumentException("maxSurge must be a number of pods or a percentage");
        }
        surge = Surge.parse(s.asText());
      } catch (IllegalArgumentException e) {
        throw new PlanInputException("maxSurge", e.getMessage());
      }
    }
    Integer replicas = count(body, "replicas", 0);
    Integer maxReplicas = count(body, "maxReplicas", 0);
    if (replicas != null && maxReplicas != null && maxReplicas < replicas) {
      throw new PlanInputException(
          "maxReplicas", maxReplicas + " is below replicas (" + replicas + ")");
    }
    return new Change(
        service.asText().trim(), server, replicas, maxReplicas, surge, count(body, "poolMax", 1));
  }

  private static Integer count(JsonNode body, String field, int min) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber()
        || !n.canConvertToInt()
        || n.intValue() < min
        || n.intValue() > MAX_COUNT) {
      throw new PlanInputException(
          field, "must be a whole number from " + min + " to " + MAX_COUNT + ", not " + n);
    }
    return n.intValue();
  }

  /**
   * Plans {@code change} against the live fleet of {@code source}.
   *
   * @throws PlanInputException when the service does not run there or a server has no known limit
   */
  public static Plan plan(Change change, FleetApi.Source source) {
    LiveFleet live = FleetApi.read(source);
    List<Demand> demands = new ArrayList<>();
    Map<ServerKey, Limit> limits = new TreeMap<>();
    for (LiveFleet.Server s : live.servers().values()) {
      List<LiveFleet.Pod> pods = s.services().get(change.service());
      if (pods == null || (change.server() != null && !change.server().equals(s.key()))) {
        continue;
      }
      if (s.limit() == null) {
        throw new PlanInputException(
            "server",
            "the collector knows no limit for "
                + s.key()
                + ": configure databases[].maxConnections or a probe for it");
      }
      limits.put(s.key(), s.limit());
      demands.add(changed(FleetMerge.asRunning(change.service(), pods, s), change));
      s.services()
          .forEach(
              (name, others) -> {
                if (!name.equals(change.service())) {
                  demands.add(FleetMerge.asRunning(name, others, s));
                }
              });
    }
    if (demands.isEmpty()) {
      throw new PlanInputException(
          "service",
          "no live service '"
              + PoolSources.clip(change.service())
              + "'"
              + (change.server() == null ? "" : " on " + change.server())
              + " holds pools");
    }
    return PlanCalculator.plan(demands, limits);
  }

  private static Demand changed(Demand running, Change c) {
    int now = c.replicas() != null ? c.replicas() : running.now();
    int ceiling = Math.max(now, c.maxReplicas() != null ? c.maxReplicas() : now);
    List<PoolSpec> pools = new ArrayList<>();
    for (PoolSpec p : running.pools()) {
      pools.add(c.poolMax() == null ? p : p.withMax(c.poolMax()));
    }
    return new Demand(
        running.service(),
        "change",
        true,
        running.system(),
        running.server(),
        now,
        ceiling,
        ceiling + c.surge().of(ceiling),
        pools);
  }
}
