package io.poolscope.collector.internal.plan;

import java.util.List;

/**
 * The outcome of a plan: per database server, each service's connections at its ceiling and during
 * a rollout, against the server's usable connections (collector/PLAN.md has the arithmetic).
 */
public record Plan(List<Server> servers) {

  /** True when every server fits. */
  public boolean fits() {
    return servers.stream().allMatch(Server::fits);
  }

  /** One server: its limit, the services on it and their sums. */
  public record Server(
      ServerKey server,
      String system,
      Limit limit,
      List<Row> rows,
      long atCeiling,
      long atRollout) {

    /** Whether every service at its rollout peak at once still fits the usable connections. */
    public boolean fits() {
      return atRollout <= limit.usable();
    }

    /** {@code atRollout / usable}; null when nothing is usable. */
    public Double share() {
      return limit.usable() == 0 ? null : (double) atRollout / limit.usable();
    }
  }

  /**
   * One service on one server.
   *
   * @param share {@code atRollout / usable}; null when nothing is usable
   * @param suggestedPoolMax the largest max every pool of this service's pods could have for the
   *     server to fit, the others unchanged; null for services counted as they run
   */
  public record Row(
      Demand demand, long atCeiling, long atRollout, Double share, Integer suggestedPoolMax) {}
}
