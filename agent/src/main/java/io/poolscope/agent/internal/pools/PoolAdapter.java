package io.poolscope.agent.internal.pools;

import io.poolscope.agent.internal.target.DbTarget;
import io.poolscope.agent.internal.target.JdbcUrls;
import java.util.List;

/**
 * Reads one kind of pool's own name, configuration and counts. Every method may return null for
 * "not exposed by this pool or this version"; the export then omits that figure. Called on the
 * export thread only.
 *
 * <p>An adapter also declares its pool's classes and packages ({@link PoolClasses}); the
 * instrumentation installs every adapter's declaration in one loop, so adding a pool is adding one
 * adapter to {@link PoolAdapters}.
 */
public abstract class PoolAdapter {
  private final PoolClasses classes;

  /**
   * Creates an adapter.
   *
   * @param classes the pool's classes, close methods and packages
   */
  protected PoolAdapter(PoolClasses classes) {
    this.classes = classes;
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
   * What this adapter declares about its pool's code.
   *
   * @return the declaration
   */
  public PoolClasses classes() {
    return classes;
  }

  /**
   * The pool classes whose constructors and close methods are instrumented.
   *
   * @return fully qualified class names
   */
  public List<String> poolClasses() {
    return classes.types();
  }

  /**
   * Names of the methods that close the pool.
   *
   * @return method names
   */
  public List<String> closeMethods() {
    return classes.closeMethods();
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
   * Threads now waiting for a connection, by the pool's own count; null to use the agent's count of
   * threads inside getConnection.
   *
   * @param pool the pool
   * @return the count or null
   */
  public Integer pending(Object pool) {
    return null;
  }

  /**
   * The configured max lifetime of a physical connection, in seconds; null when the pool has none
   * (or it is disabled).
   *
   * @param pool the pool
   * @return seconds or null
   */
  public Double maxLifetime(Object pool) {
    return null;
  }

  /**
   * Physical connections the pool closed after they idled past its idle timeout, by its own
   * cumulative count; null when it does not tell.
   *
   * @param pool the pool
   * @return the count or null
   */
  public Long idleTimeoutCloses(Object pool) {
    return null;
  }

  /**
   * Physical connections the pool closed as broken (failed validation), by its own cumulative
   * count; null when it does not tell.
   *
   * @param pool the pool
   * @return the count or null
   */
  public Long brokenCloses(Object pool) {
    return null;
  }

  /**
   * Milliseconds as seconds when positive (pools use 0 or a negative value for "none").
   *
   * @param ms the configured value
   * @return seconds or null
   */
  static Double positiveMillis(Object ms) {
    return ms instanceof Number && ((Number) ms).longValue() > 0
        ? ((Number) ms).longValue() / 1000.0
        : null;
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
