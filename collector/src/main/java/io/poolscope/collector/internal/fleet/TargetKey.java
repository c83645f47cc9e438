package io.poolscope.collector.internal.fleet;

/**
 * A database target as the agents report it: the OpenTelemetry database attributes, with the
 * opaque, URL-safe id the API and Prometheus labels use.
 */
public record TargetKey(String system, String address, int port, String namespace) {

  // Written out: every snapshot looks targets up in maps tens of thousands of times, and the
  // record's generated methods are several times slower there.
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof TargetKey t
            && port == t.port
            && java.util.Objects.equals(address, t.address)
            && java.util.Objects.equals(namespace, t.namespace)
            && java.util.Objects.equals(system, t.system));
  }

  @Override
  public int hashCode() {
    int h = java.util.Objects.hashCode(system);
    h = 31 * h + java.util.Objects.hashCode(address);
    h = 31 * h + port;
    return 31 * h + java.util.Objects.hashCode(namespace);
  }

  /**
   * {@code system_address_port_namespace}, every character outside {@code [A-Za-z0-9._~-]} as '-'.
   */
  public String id() {
    String raw = system + "_" + address + "_" + port + "_" + namespace;
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '~'
              || c == '-';
      sb.append(safe ? c : '-');
    }
    return sb.toString();
  }
}
