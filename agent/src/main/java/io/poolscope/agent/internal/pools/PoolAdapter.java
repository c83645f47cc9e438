package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import io.poolscope.agent.internal.target.JdbcUrls;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Reads one kind of pool's own name, configuration and counts. Every method may return null for
 * "not exposed by this pool or this version"; the export then omits that figure. Called on the
 * export thread only.
 */
public abstract class PoolAdapter {
  private final List<String> poolClasses;
  private final List<String> closeMethods;

  /**
   * Creates an adapter.
   *
   * @param poolClasses the pool classes (constructors count pools created)
   * @param closeMethods the methods that close a pool
   */
  protected PoolAdapter(List<String> poolClasses, String... closeMethods) {
    this.poolClasses = poolClasses;
    this.closeMethods = Collections.unmodifiableList(Arrays.asList(closeMethods));
  }

  /**
   * Whether this is a real pool adapter (the generic one is not).
   *
   * @return true for known pools
   */
  public boolean known() {
    return true;
  }

  /**
   * The pool classes whose constructors and close methods are instrumented.
   *
   * @return fully qualified class names
   */
  public List<String> poolClasses() {
    return poolClasses;
  }

  /**
   * Names of the methods that close the pool.
   *
   * @return method names
   */
  public List<String> closeMethods() {
    return closeMethods;
  }

  /**
   * The pool's own name, or null when it has none (or only a generated, unstable one).
   *
   * @param pool the pool
   * @return the name
   */
  public String name(Object pool) {
    return null;
  }

  /**
   * Configured maximum connections.
   *
   * @param pool the pool
   * @return the maximum or null
   */
  public Integer max(Object pool) {
    return null;
  }

  /**
   * Configured minimum idle connections.
   *
   * @param pool the pool
   * @return the minimum or null
   */
  public Integer minIdle(Object pool) {
    return null;
  }

  /**
   * Connections now lent out, by the pool's own count.
   *
   * @param pool the pool
   * @return the count or null
   */
  public Integer used(Object pool) {
    return null;
  }

  /**
   * Connections now idle in the pool.
   *
   * @param pool the pool
   * @return the count or null
   */
  public Integer idle(Object pool) {
    return null;
  }

  /**
   * The JDBC URL the pool is configured with, or null.
   *
   * @param pool the pool
   * @return the URL
   */
  protected String url(Object pool) {
    return Reflect.string(pool, "getJdbcUrl", "getUrl", "getURL");
  }

  /**
   * The database the pool connects to.
   *
   * @param pool the pool
   * @return the target or {@link DbTarget#UNKNOWN}
   */
  public DbTarget target(Object pool) {
    String url = url(pool);
    return url == null ? DbTarget.UNKNOWN : JdbcUrls.parse(url);
  }
}
