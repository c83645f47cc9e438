package io.poolscope.agent.internal.config;

/** A bad agent argument: names the key and the value so the one stderr line is actionable. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param key the option name
   * @param value the rejected value
   * @param why what is expected instead
   */
  public ConfigException(String key, String value, String why) {
    super("invalid agent option " + key + "=" + value + ": " + why);
  }
}
