package io.poolscope.collector.internal.fleet;

import java.util.List;

/**
 * Everything one OTLP resource (one agent JVM) said in one request, decoded and validated before
 * anything is applied, so a rejected request changes nothing.
 *
 * @param points the contract's points, {@code poolscope.connection.open} summed over {@code
 *     db.user} and {@code poolscope.connection.refused} over {@code poolscope.refused.limit}: one
 *     point per target (and SQLState), as before those attributes existed
 * @param breakdown the open and refused points as sent, one per database user and per refusal limit
 *     ({@link Point#dbUser()}, {@link Point#refusedLimit()}); only points that carried one of those
 *     attributes
 */
public record PodReport(
    String service,
    String instanceId,
    String podName,
    String host,
    String version,
    List<Point> points,
    List<Point> breakdown) {

  /** A report without a breakdown. */
  public PodReport(
      String service,
      String instanceId,
      String podName,
      String host,
      String version,
      List<Point> points) {
    this(service, instanceId, podName, host, version, points, new java.util.ArrayList<>());
  }
}
