package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import io.poolscope.agent.internal.target.JdbcUrls;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The known pools, and what the instrumentation needs to know about pools and drivers. */
public final class PoolAdapters {

  private static final PoolAdapter GENERIC =
      new PoolAdapter(Collections.emptyList()) {
        @Override
        public boolean known() {
          return false;
        }
      };

  private static final List<PoolAdapter> KNOWN =
      Collections.unmodifiableList(
          Arrays.asList(
              new HikariAdapter(),
              new Dbcp2Adapter(),
              new C3p0Adapter(),
              new TomcatAdapter(),
              new ViburAdapter(),
              new H2PoolAdapter(),
              new AgroalAdapter(),
              new UcpAdapter()));

  private static final Map<String, PoolAdapter> BY_CLASS = new HashMap<>();

  static {
    for (PoolAdapter a : KNOWN) {
      for (String c : a.poolClasses()) {
        BY_CLASS.put(c, a);
      }
    }
  }

  private static final ClassValue<PoolAdapter> FOR_CLASS =
      new ClassValue<PoolAdapter>() {
        @Override
        protected PoolAdapter computeValue(Class<?> type) {
          for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            PoolAdapter a = BY_CLASS.get(c.getName());
            if (a != null) {
              return a;
            }
          }
          return GENERIC;
        }
      };

  /**
   * Packages of pools: a physical open with one of these on the stack was made by a pool for itself
   * (its own thread), not by the application.
   */
  public static final List<String> POOL_PACKAGES =
      Collections.unmodifiableList(
          Arrays.asList(
              "com.zaxxer.hikari.",
              "org.apache.commons.dbcp2.",
              "org.apache.commons.dbcp.",
              "org.apache.commons.pool2.",
              "com.mchange.v2.",
              "org.apache.tomcat.jdbc.pool.",
              "org.vibur.dbcp.",
              "org.h2.jdbcx.JdbcConnectionPool",
              "io.agroal.",
              "oracle.ucp.",
              "com.alibaba.druid.",
              "org.mariadb.jdbc.pool.",
              "org.mariadb.jdbc.MariaDbPoolDataSource",
              "org.apache.ibatis.datasource.pooled.",
              "org.jboss.jca.",
              "com.ibm.ws.rsadapter."));

  /**
   * Packages of JDBC drivers. Their DataSource classes open physical connections; a call to one is
   * a physical open, not a lease (a pool calls them on its own threads).
   */
  public static final List<String> DRIVER_PACKAGES =
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

  /**
   * Data sources that live inside pools (a pool's own driver adapter): never a lease of their own.
   * Pool classes inside driver packages are listed too, so they stay lease sources.
   */
  public static final List<String> POOL_INTERNAL_DATA_SOURCES =
      Collections.unmodifiableList(
          Arrays.asList(
              "com.zaxxer.hikari.util.DriverDataSource",
              "com.mchange.v2.c3p0.DriverManagerDataSource",
              "com.mchange.v2.c3p0.WrapperConnectionPoolDataSource",
              "org.apache.commons.dbcp2.cpdsadapter.DriverAdapterCPDS",
              "io.agroal.pool.wrapper."));

  /** Pools that live in driver packages and are lease sources, not physical ones. */
  public static final List<String> POOLS_IN_DRIVER_PACKAGES =
      Collections.unmodifiableList(
          Arrays.asList(
              "org.h2.jdbcx.JdbcConnectionPool",
              "org.mariadb.jdbc.MariaDbPoolDataSource",
              "org.mariadb.jdbc.pool."));

  private PoolAdapters() {}

  /**
   * The adapter for a data source class: the known pool it is (or extends), else the generic one.
   *
   * @param type the data source class
   * @return the adapter
   */
  public static PoolAdapter forClass(Class<?> type) {
    return FOR_CLASS.get(type);
  }

  /**
   * The adapter of data sources the agent does not know.
   *
   * @return the generic adapter
   */
  public static PoolAdapter generic() {
    return GENERIC;
  }

  /**
   * Every known pool adapter.
   *
   * @return the adapters
   */
  public static List<PoolAdapter> known() {
    return KNOWN;
  }

  /**
   * Every known pool class name.
   *
   * @return class names
   */
  public static List<String> poolClassNames() {
    return new ArrayList<>(BY_CLASS.keySet());
  }

  /**
   * The database a driver's own data source (PGSimpleDataSource, JdbcDataSource) points at.
   *
   * @param source the data source or driver
   * @return the target
   */
  public static DbTarget sourceTarget(Object source) {
    String url = Reflect.string(source, "getUrl", "getURL", "getJdbcUrl");
    return url == null ? DbTarget.UNKNOWN : JdbcUrls.parse(url);
  }

  /**
   * Whether the current physical open was made by a pool (a pool frame is on the stack). Walks the
   * stack: affordable because a physical open costs milliseconds anyway.
   *
   * @return true when a pool is on the stack
   */
  public static boolean calledFromPool() {
    return StackWalker.getInstance()
        .walk(frames -> frames.anyMatch(f -> isPoolClass(f.getClassName())));
  }

  static boolean isPoolClass(String name) {
    for (String p : POOL_PACKAGES) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
