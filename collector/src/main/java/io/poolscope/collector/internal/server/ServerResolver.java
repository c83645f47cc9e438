package io.poolscope.collector.internal.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps an agent's database target (system, host, port, database) to the server it is on, so every
 * target that is the same server merges into it:
 *
 * <ol>
 *   <li>a configured server whose alias, probe URL or old database id names the same host and port,
 *       or a host that resolves to one of the same addresses (the loopback names {@code localhost},
 *       {@code 127.0.0.1} and {@code ::1} are one);
 *   <li>among configured servers, those whose probes report one identity (PostgreSQL {@code
 *       system_identifier} and port, MySQL {@code server_uuid}) are one: the first configured;
 *   <li>otherwise the server is implied by its resolved address and port ({@code
 *       postgresql_localhost_5432} for every loopback name), or by the host as written when it does
 *       not resolve; an embedded database (no host) is a server of its own.
 * </ol>
 *
 * <p>Pure but for name lookups, which go through the {@link Dns} given (tests pass a map) and are
 * kept for the life of the resolver: make a new one when the configuration or the probes'
 * identities change, and call it off the ingest path, since a lookup of an unknown name can take
 * seconds.
 */
public final class ServerResolver {

  /** Looks up the addresses of a host name; an empty list when it does not resolve. */
  @FunctionalInterface
  public interface Dns {
    /** The addresses of {@code host}, empty when unknown. */
    List<InetAddress> lookup(String host);
  }

  /** The JVM's resolver (and its cache, {@code networkaddress.cache.ttl}). */
  public static final Dns SYSTEM_DNS =
      host -> {
        try {
          return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException | SecurityException e) {
          return List.of();
        }
      };

  /** Loopback addresses all read as this one, so the names of one machine match. */
  static final String LOOPBACK = "loopback";

  /**
   * Where a target belongs and why.
   *
   * @param serverId the server's id
   * @param via {@code configured} (a configured server's endpoint, by name or address), {@code
   *     probe} (merged into an earlier configured server with the same probe identity), {@code
   *     address} (implied by the resolved address), {@code name} (implied by a host that does not
   *     resolve) or {@code embedded}
   */
  public record Resolution(String serverId, String via) {}

  private final ServerCatalog catalog;
  private final Map<String, String> identities;
  private final Dns dns;
  private final Map<String, TreeSet<String>> addresses = new ConcurrentHashMap<>();

  /**
   * A resolver.
   *
   * @param catalog the configured servers
   * @param identities the latest probe identity per configured server id (absent: no probe, or it
   *     could not read one)
   * @param dns how host names are looked up
   */
  public ServerResolver(ServerCatalog catalog, Map<String, String> identities, Dns dns) {
    this.catalog = catalog;
    this.identities = Map.copyOf(identities);
    this.dns = dns;
  }

  /** The server of a target; {@code port} 0 or below means the system's default port. */
  public Resolution resolve(String system, String host, int port, String database) {
    if (host == null || host.isBlank()) {
      return new Resolution(system + "_" + Objects.toString(database, ""), "embedded");
    }
    Endpoint e = new Endpoint(host, port > 0 ? port : Endpoint.defaultPort(system));
    for (ServerSpec s : catalog.servers()) {
      for (Endpoint se : s.endpoints()) {
        if ((se.port() == 0 || se.port() == e.port()) && sameHost(se.host(), e.host())) {
          return canonical(s.id());
        }
      }
    }
    TreeSet<String> a = addressesOf(e.host());
    if (a.isEmpty()) {
      return new Resolution(system + "_" + e.host() + "_" + e.port(), "name");
    }
    String h = a.contains(LOOPBACK) ? "localhost" : a.first();
    return new Resolution(system + "_" + h + "_" + e.port(), "address");
  }

  /** The first configured server with the same probe identity as {@code id}. */
  private Resolution canonical(String id) {
    String identity = identities.get(id);
    if (identity != null) {
      for (ServerSpec s : catalog.servers()) {
        if (identity.equals(identities.get(s.id()))) {
          return new Resolution(s.id(), s.id().equals(id) ? "configured" : "probe");
        }
      }
    }
    return new Resolution(id, "configured");
  }

  private boolean sameHost(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    TreeSet<String> x = addressesOf(a);
    for (String y : addressesOf(b)) {
      if (x.contains(y)) {
        return true;
      }
    }
    return false;
  }

  private TreeSet<String> addressesOf(String host) {
    return addresses.computeIfAbsent(
        host,
        h -> {
          TreeSet<String> out = new TreeSet<>();
          for (InetAddress i : dns.lookup(h)) {
            out.add(i.isLoopbackAddress() ? LOOPBACK : i.getHostAddress());
          }
          return out;
        });
  }
}
