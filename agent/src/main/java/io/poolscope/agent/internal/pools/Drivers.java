package io.poolscope.agent.internal.pools;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The JDBC drivers the agent recognises by package. */
public final class Drivers {
  /**
   * Packages of JDBC drivers. Their DataSource classes open physical connections; a call to one is
   * a physical open, not a lease (a pool calls them on its own threads). Pools that live in one of
   * these packages are told apart by {@link PoolAdapters#poolsInDriverPackages()}.
   */
  public static final List<String> PACKAGES =
      Collections.unmodifiableList(
          Arrays.asList(
              "org.postgresql.",
              "org.h2.jdbcx.",
              "com.mysql.",
              "org.mariadb.jdbc.",
              "oracle.jdbc.",
              "com.microsoft.sqlserver.",
              "org.hsqldb.jdbc.",
              "org.apache.derby.",
              "org.sqlite.",
              "com.ibm.db2.",
              "net.sourceforge.jtds."));

  private Drivers() {}

  /**
   * Whether a class name is in a driver package.
   *
   * @param name a class name
   * @return true for driver classes
   */
  public static boolean isDriverClass(String name) {
    for (String p : PACKAGES) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
