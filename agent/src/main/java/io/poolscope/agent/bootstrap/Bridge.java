package io.poolscope.agent.bootstrap;

/**
 * The static entry points that inlined advice calls. One volatile read and one virtual call before
 * the installed {@link Hooks} take over.
 */
public final class Bridge {

  private static volatile Hooks hooks = Hooks.NOOP;

  private Bridge() {}

  /**
   * Installs the agent's hooks; called once at start-up.
   *
   * @param installed the hooks to call from now on
   */
  public static void install(Hooks installed) {
    hooks = installed;
  }

  /**
   * See {@link Hooks#leaseEnter}.
   *
   * @param dataSource the data source
   * @return the token
   */
  public static Object leaseEnter(Object dataSource) {
    return hooks.leaseEnter(dataSource);
  }

  /**
   * See {@link Hooks#leaseExit}.
   *
   * @param token the token
   * @param connection the connection
   * @param thrown the failure
   */
  public static void leaseExit(Object token, Object connection, Throwable thrown) {
    hooks.leaseExit(token, connection, thrown);
  }

  /**
   * See {@link Hooks#closeEnter}.
   *
   * @param connection the connection
   * @return the token
   */
  public static Object closeEnter(Object connection) {
    return hooks.closeEnter(connection);
  }

  /**
   * See {@link Hooks#closeExit}.
   *
   * @param token the token
   * @param connection the connection
   * @param thrown the failure
   */
  public static void closeExit(Object token, Object connection, Throwable thrown) {
    hooks.closeExit(token, connection, thrown);
  }

  /**
   * See {@link Hooks#physicalEnter}.
   *
   * @param source the driver or data source
   * @param url the URL
   * @return the token
   */
  public static Object physicalEnter(Object source, String url) {
    return hooks.physicalEnter(source, url);
  }

  /**
   * See {@link Hooks#physicalEnter(Object, String, java.util.Properties)}.
   *
   * @param source the driver
   * @param url the URL
   * @param info the connection properties
   * @return the token
   */
  public static Object physicalEnter(Object source, String url, java.util.Properties info) {
    return hooks.physicalEnter(source, url, info);
  }

  /**
   * See {@link Hooks#physicalEnterAs}.
   *
   * @param source the data source
   * @param user the user name argument
   * @return the token
   */
  public static Object physicalEnterAs(Object source, String user) {
    return hooks.physicalEnterAs(source, user);
  }

  /**
   * See {@link Hooks#physicalExit}.
   *
   * @param token the token
   * @param connection the connection
   * @param thrown the failure
   */
  public static void physicalExit(Object token, Object connection, Throwable thrown) {
    hooks.physicalExit(token, connection, thrown);
  }

  /**
   * See {@link Hooks#physicalClose}.
   *
   * @param physical the physical connection
   */
  public static void physicalClose(Object physical) {
    hooks.physicalClose(physical);
  }

  /** See {@link Hooks#poolConstructing}. */
  public static void poolConstructing() {
    hooks.poolConstructing();
  }

  /**
   * See {@link Hooks#poolCreated}.
   *
   * @param pool the pool
   */
  public static void poolCreated(Object pool) {
    hooks.poolCreated(pool);
  }

  /**
   * See {@link Hooks#poolClosed}.
   *
   * @param pool the pool
   */
  public static void poolClosed(Object pool) {
    hooks.poolClosed(pool);
  }

  /**
   * The exception handler of every advice: counts and logs once, never rethrows.
   *
   * @param error what the advice threw
   */
  public static void adviceFailed(Throwable error) {
    try {
      hooks.adviceFailed(error);
    } catch (Throwable ignored) {
      // Nothing may escape into the application, not even from the error path.
    }
  }
}
