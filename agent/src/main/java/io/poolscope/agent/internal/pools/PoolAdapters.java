package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import io.poolscope.agent.internal.target.JdbcUrls;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pool adapters, and what the instrumentation derives from their declarations. This class keeps
 * no per-pool list of its own: every class name and package comes from an adapter's {@link
 * PoolClasses}, so adding a pool is one adapter class added to {@link #ALL}.
 */
public final class PoolAdapters {

  private static final PoolAdapter GENERIC =
      new PoolAdapter(PoolClasses.of()) {
        @Override
        public boolean known() {
          return false;
        }
      };

  private static final List<PoolAdapter> ALL =
      Collections.unmodifiableList(
          Arrays.asList(
              new HikariAdapter(),
              new Dbcp2Adapter(),
              new C3p0Adapter(),
              new TomcatAdapter(),
              new ViburAdapter(),
              new H2PoolAdapter(),
              new AgroalAdapter(),
              new UcpAdapter(),
              new DruidAdapter(),
              new OtherPools()));

  private static final Map<String, PoolAdapter> BY_CLASS = new HashMap<>();
  private static final List<String> POOL_PACKAGES;
  private static final List<String> INTERNAL_SOURCES;
  private static final List<String> IN_DRIVER_PACKAGES;

  static {
    List<String> packages = new ArrayList<>();
    List<String> internal = new ArrayList<>();
    List<String> inDrivers = new ArrayList<>();
    for (PoolAdapter a : ALL) {
      for (String c : a.poolClasses()) {
        BY_CLASS.put(c, a);
      }
      packages.addAll(a.classes().packages());
      internal.addAll(a.classes().internalSources());
      for (String p : a.classes().packages()) {
        if (Drivers.isDriverClass(p)) {
          inDrivers.add(p);
        }
      }
    }
    POOL_PACKAGES = Collections.unmodifiableList(packages);
    INTERNAL_SOURCES = Collections.unmodifiableList(internal);
    IN_DRIVER_PACKAGES = Collections.unmodifiableList(inDrivers);
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
   * Every adapter, each declaring its pool's classes; the instrumentation installs each one.
   *
   * @return the adapters
   */
  public static List<PoolAdapter> all() {
    return ALL;
  }

  /**
   * Prefixes of every recognised pool's code: a physical open with one of these on the stack was
   * made by a pool for itself (its own thread), not by the application.
   *
   * @return class name prefixes
   */
  public static List<String> poolPackages() {
    return POOL_PACKAGES;
  }

  /**
   * Data sources that live inside pools (a pool's own driver adapter): never a lease of their own.
   *
   * @return class name prefixes
   */
  public static List<String> internalSources() {
    return INTERNAL_SOURCES;
  }

  /**
   * Pool code inside driver packages (H2's JdbcConnectionPool, MariaDB's pool): lease sources, not
   * physical ones.
   *
   * @return class name prefixes
   */
  public static List<String> poolsInDriverPackages() {
    return IN_DRIVER_PACKAGES;
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
