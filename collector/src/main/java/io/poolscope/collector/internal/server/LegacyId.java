package io.poolscope.collector.internal.server;

/**
 * An old per-database target id, {@code system_address_port_database} as the collector makes it
 * (TargetKey.id()), read back into the server it names.
 */
record LegacyId(String system, Endpoint endpoint, String database) {

  /** The parts of a target id, or null when {@code id} is not one. */
  static LegacyId parse(String id) {
    if (id == null) {
      return null;
    }
    String[] p = id.split("_", 4);
    if (p.length != 4 || p[0].isEmpty() || p[1].isEmpty()) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(p[2]);
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < 0 || port > 65535) {
      return null;
    }
    int effective = port == 0 ? Endpoint.defaultPort(p[0]) : port;
    return new LegacyId(p[0], new Endpoint(p[1], effective), p[3]);
  }

  /** {@code system_address_port}: the id of the server an old entry implies. */
  String serverId() {
    return system + "_" + endpoint.host() + "_" + endpoint.port();
  }
}
