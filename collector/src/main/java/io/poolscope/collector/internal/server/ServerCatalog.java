package io.poolscope.collector.internal.server;

import io.poolscope.collector.CollectorConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configured servers: every {@code servers:} entry, and the old {@code databases:} entries
 * mapped to the server their id names ({@code postgresql_pg.prod_5432_payments} is on {@code
 * pg.prod:5432}). An old entry on a host and port that a {@code servers:} entry names joins that
 * server; old entries on one host and port without one make one server together. What cannot be
 * told apart that way fails start-up with a one-line message that says what to write instead.
 */
public final class ServerCatalog {
  private final List<ServerSpec> servers;
  private final Map<String, String> serverOfDatabase;

  private ServerCatalog(List<ServerSpec> servers) {
    this.servers = List.copyOf(servers);
    Map<String, String> m = new LinkedHashMap<>();
    for (ServerSpec s : servers) {
      s.databaseIds().forEach(d -> m.put(d, s.id()));
    }
    this.serverOfDatabase = Map.copyOf(m);
  }

  /** Servers in configuration order: {@code servers:} first, then those of old entries. */
  public List<ServerSpec> servers() {
    return servers;
  }

  /** The server an old {@code databases:} id was mapped to, or null for an unknown id. */
  public String serverOf(String databaseId) {
    return serverOfDatabase.get(databaseId);
  }

  /**
   * Builds the catalog of a configuration.
   *
   * @throws IllegalArgumentException one line naming the key, when two entries disagree
   */
  public static ServerCatalog of(CollectorConfig config) {
    List<Mutable> explicit = new ArrayList<>();
    for (int i = 0; i < config.servers().size(); i++) {
      CollectorConfig.Server s = config.servers().get(i);
      Mutable m = new Mutable(s.id(), "servers." + i);
      m.maxConnections = s.maxConnections();
      m.reserved = s.reserved();
      m.probeUrl = s.probeUrl();
      m.probeUser = s.probeUser();
      m.probePassword = s.probePassword();
      for (String a : s.aliases()) {
        m.endpoints.add(Endpoint.parse(a));
      }
      Endpoint probe = Endpoint.ofJdbcUrl(s.probeUrl());
      if (probe != null && !m.endpoints.contains(probe)) {
        m.endpoints.add(probe);
      }
      explicit.add(m);
    }
    Map<String, Mutable> implied = new LinkedHashMap<>();
    for (int i = 0; i < config.databases().size(); i++) {
      CollectorConfig.Database d = config.databases().get(i);
      String key = "databases." + i;
      LegacyId legacy = LegacyId.parse(d.id());
      if (legacy == null) {
        // Not a target id: it matches no agent target, only its own probe. Kept as a server.
        Mutable m = implied.computeIfAbsent(d.id(), id -> new Mutable(id, key));
        m.merge(d, key);
        m.databases.add(d.id());
        continue;
      }
      Mutable named = find(explicit, legacy.endpoint());
      if (named != null) {
        if (d.maxConnections() != null || d.reserved() != null || d.probeUrl() != null) {
          throw new IllegalArgumentException(
              "invalid configuration: "
                  + key
                  + " ("
                  + d.id()
                  + ") is on server '"
                  + named.id
                  + "' of "
                  + named.key
                  + ": set maxConnections, reserved and probe there, once, and remove them from "
                  + key);
        }
        named.databases.add(d.id());
        continue;
      }
      String id = legacy.serverId();
      Mutable m = implied.computeIfAbsent(id, x -> new Mutable(x, key));
      if (!m.endpoints.contains(legacy.endpoint())) {
        m.endpoints.add(legacy.endpoint());
      }
      m.merge(d, key);
      m.databases.add(d.id());
    }
    List<ServerSpec> out = new ArrayList<>();
    for (Mutable m : explicit) {
      out.add(m.spec());
    }
    for (Mutable m : implied.values()) {
      if (explicit.stream().anyMatch(e -> e.id.equals(m.id))) {
        throw new IllegalArgumentException(
            "invalid configuration: "
                + m.key
                + " implies server id '"
                + m.id
                + "', which a servers: entry already uses for another host: rename that entry");
      }
      out.add(m.spec());
    }
    return new ServerCatalog(out);
  }

  private static Mutable find(List<Mutable> servers, Endpoint e) {
    for (Mutable m : servers) {
      for (Endpoint s : m.endpoints) {
        if (s.host().equals(e.host()) && (s.port() == 0 || s.port() == e.port())) {
          return m;
        }
      }
    }
    return null;
  }

  private static final class Mutable {
    final String id;
    final String key;
    String firstLimitKey;
    Integer maxConnections;
    Integer reserved;
    String probeUrl;
    String probeUser;
    String probePassword;
    final List<Endpoint> endpoints = new ArrayList<>();
    final List<String> databases = new ArrayList<>();

    Mutable(String id, String key) {
      this.id = id;
      this.key = key;
    }

    /** An old entry's limit and probe: the server's, so two entries must agree on the limit. */
    void merge(CollectorConfig.Database d, String key) {
      if (d.maxConnections() != null || d.reserved() != null) {
        if (firstLimitKey != null
            && (!Objects.equals(maxConnections, d.maxConnections())
                || !Objects.equals(reserved, d.reserved()))) {
          throw new IllegalArgumentException(
              "invalid configuration: "
                  + key
                  + ".maxConnections = '"
                  + d.maxConnections()
                  + "' differs from "
                  + firstLimitKey
                  + ".maxConnections = '"
                  + maxConnections
                  + "' on one server ("
                  + id
                  + "): the limit is the server's; write it once under servers: with id: "
                  + id
                  + ", maxConnections and aliases: ["
                  + (endpoints.isEmpty() ? "host:port" : endpoints.get(0))
                  + "]");
        }
        if (firstLimitKey == null) {
          firstLimitKey = key;
          maxConnections = d.maxConnections();
          reserved = d.reserved();
        }
      }
      // One probe per server: the first entry's; a second one would count the same sessions.
      if (probeUrl == null && d.probeUrl() != null) {
        probeUrl = d.probeUrl();
        probeUser = d.probeUser();
        probePassword = d.probePassword();
      }
    }

    ServerSpec spec() {
      return new ServerSpec(
          id,
          key,
          maxConnections,
          reserved,
          probeUrl,
          probeUser,
          probePassword,
          endpoints,
          databases);
    }
  }
}
