package io.poolscope.collector.internal.server;

import java.util.List;

/**
 * One database server as the configuration names it: from a {@code servers:} entry, or implied by
 * the old per-database {@code databases:} entries on one host and port.
 *
 * @param id the server's id (API, labels)
 * @param key the configuration key it came from ({@code servers.0}, {@code databases.2}), for
 *     messages
 * @param maxConnections the configured limit, or null (then the probe's)
 * @param reserved configured reserved slots, or null
 * @param probeUrl the JDBC URL of its probe, or null
 * @param probeUser the probe's user, or null
 * @param probePassword the probe's password, or null; never printed
 * @param endpoints every host:port it is reached at: its aliases, its probe URL's, and the ones of
 *     the old database ids mapped to it
 * @param databaseIds the old {@code databases:} ids mapped to this server
 */
public record ServerSpec(
    String id,
    String key,
    Integer maxConnections,
    Integer reserved,
    String probeUrl,
    String probeUser,
    String probePassword,
    List<Endpoint> endpoints,
    List<String> databaseIds) {

  /** Copies the lists. */
  public ServerSpec {
    endpoints = List.copyOf(endpoints);
    databaseIds = List.copyOf(databaseIds);
  }

  @Override
  public String toString() {
    return "ServerSpec[id="
        + id
        + ", maxConnections="
        + maxConnections
        + ", endpoints="
        + endpoints
        + ", databaseIds="
        + databaseIds
        + "]";
  }
}
