package io.poolscope.agent.internal.pools;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What one pool adapter declares about its pool's code, for the instrumentation and the stack
 * checks: the pool classes (their constructors and close methods count pools created and closed,
 * and the adapter reads their instances), the packages its code runs in (a physical open with one
 * of them on the stack is the pool's own), and the driver adapters inside the pool that are never a
 * lease of their own. Immutable; built once per adapter.
 */
public final class PoolClasses {
  private final List<String> types;
  private final List<String> closeMethods;
  private final List<String> packages;
  private final List<String> internalSources;

  private PoolClasses(
      List<String> types,
      List<String> closeMethods,
      List<String> packages,
      List<String> internalSources) {
    this.types = types;
    this.closeMethods = closeMethods;
    this.packages = packages;
    this.internalSources = internalSources;
  }

  /**
   * Starts a declaration with the pool's classes; subclasses of them are the same pool.
   *
   * @param types fully qualified class names
   * @return the declaration
   */
  public static PoolClasses of(String... types) {
    return new PoolClasses(list(types), list(), list(), list());
  }

  /**
   * The pool's methods that close it (taking no argument or one boolean).
   *
   * @param methods method names
   * @return a new declaration
   */
  public PoolClasses closedBy(String... methods) {
    return new PoolClasses(types, list(methods), packages, internalSources);
  }

  /**
   * The name prefixes of the pool's code (packages, or one class and its nested classes).
   *
   * @param prefixes class name prefixes
   * @return a new declaration
   */
  public PoolClasses packages(String... prefixes) {
    return new PoolClasses(types, closeMethods, list(prefixes), internalSources);
  }

  /**
   * Data sources inside the pool that open physical connections for it: never a lease.
   *
   * @param prefixes class name prefixes
   * @return a new declaration
   */
  public PoolClasses internalSources(String... prefixes) {
    return new PoolClasses(types, closeMethods, packages, list(prefixes));
  }

  /**
   * The pool classes.
   *
   * @return class names
   */
  public List<String> types() {
    return types;
  }

  /**
   * The methods that close the pool.
   *
   * @return method names
   */
  public List<String> closeMethods() {
    return closeMethods;
  }

  /**
   * Prefixes of the pool's code.
   *
   * @return class name prefixes
   */
  public List<String> packages() {
    return packages;
  }

  /**
   * Prefixes of the pool's internal driver adapters.
   *
   * @return class name prefixes
   */
  public List<String> internalSources() {
    return internalSources;
  }

  private static List<String> list(String... s) {
    return Collections.unmodifiableList(Arrays.asList(s.clone()));
  }
}
