package io.poolscope.agent.bootstrap;

/**
 * What the inlined advice calls. Lives on the bootstrap class path so that advice woven into a
 * class of any class loader can reach it; the real implementation is installed by the agent once it
 * is ready. Every method of this base class does nothing, so advice that runs before the agent
 * finished starting (or when it is disabled) costs one virtual call.
 *
 * <p>Only bootstrap types appear in the signatures: {@code java.sql} is not visible from the
 * bootstrap loader.
 */
public abstract class Hooks {

  /** The do-nothing hooks, in force until the agent installs its own. */
  public static final Hooks NOOP = new Hooks() {};

  /**
   * Entry into {@code DataSource.getConnection}.
   *
   * @param dataSource the data source receiving the call
   * @return a token handed back to {@link #leaseExit}
   */
  public Object leaseEnter(Object dataSource) {
    return null;
  }

  /**
   * Exit from {@code DataSource.getConnection}.
   *
   * @param token what {@link #leaseEnter} returned
   * @param connection the returned connection, or null
   * @param thrown what the call threw, or null
   */
  public void leaseExit(Object token, Object connection, Throwable thrown) {}

  /**
   * Entry into {@code Connection.close()}.
   *
   * @param connection the connection being closed
   * @return a token handed back to {@link #closeExit}
   */
  public Object closeEnter(Object connection) {
    return null;
  }

  /**
   * Exit from {@code Connection.close()}.
   *
   * @param token what {@link #closeEnter} returned
   * @param connection the connection that was closed
   * @param thrown what close threw, or null
   */
  public void closeExit(Object token, Object connection, Throwable thrown) {}

  /**
   * Entry into a physical open: {@code Driver.connect} or a driver's own data source.
   *
   * @param source the driver or data source
   * @param url the JDBC URL when the call names one, else null
   * @return a token handed back to {@link #physicalExit}
   */
  public Object physicalEnter(Object source, String url) {
    return null;
  }

  /**
   * Entry into {@code Driver.connect(url, info)}: as {@link #physicalEnter(Object, String)}, with
   * the connection properties, of which only the user name is read.
   *
   * @param source the driver
   * @param url the JDBC URL
   * @param info the connection properties, may be null
   * @return a token handed back to {@link #physicalExit}
   */
  public Object physicalEnter(Object source, String url, java.util.Properties info) {
    return null;
  }

  /**
   * Entry into a driver data source's {@code getConnection(user, password)}: as {@link
   * #physicalEnter(Object, String)}, with the user name of the call (the password is never passed
   * in).
   *
   * @param source the data source
   * @param user the user name argument, may be null
   * @return a token handed back to {@link #physicalExit}
   */
  public Object physicalEnterAs(Object source, String user) {
    return null;
  }

  /**
   * Exit from a physical open.
   *
   * @param token what {@link #physicalEnter} returned
   * @param connection the physical connection, or null (a driver declining a URL)
   * @param thrown what the open threw, or null
   */
  public void physicalExit(Object token, Object connection, Throwable thrown) {}

  /**
   * A pooled connection (XA or {@code PooledConnection}) of a driver was closed.
   *
   * @param physical the physical connection object
   */
  public void physicalClose(Object physical) {}

  /**
   * A known pool class entered a constructor: connections its pool opens on this thread before the
   * constructor returns are its own.
   */
  public void poolConstructing() {}

  /**
   * A known pool class finished a constructor.
   *
   * @param pool the pool instance
   */
  public void poolCreated(Object pool) {}

  /**
   * A known pool was closed.
   *
   * @param pool the pool instance
   */
  public void poolClosed(Object pool) {}

  /**
   * The advice itself threw. Never rethrown into the application.
   *
   * @param error what was thrown
   */
  public void adviceFailed(Throwable error) {}
}
