package io.poolscope.demo.app;

import java.util.HashMap;
import java.util.Map;

/**
 * Command-line arguments of the simulated services ({@code --key value} pairs), parsed once at
 * start. The orchestrator is the only caller, so an unknown or malformed key is a programming error
 * and stops the pod at once with the key named.
 */
public final class AppArgs {
  private final Map<String, String> values;

  private AppArgs(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code --key value} pairs.
   *
   * @param args the pod's command-line arguments
   * @return the parsed arguments
   * @throws IllegalArgumentException when an argument is not a {@code --key value} pair
   */
  public static AppArgs parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value, got '" + args[i] + "'");
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
    return new AppArgs(values);
  }

  /**
   * A required string argument.
   *
   * @param key the argument name without the leading dashes
   * @return its value
   */
  public String string(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing argument --" + key);
    }
    return value;
  }

  /**
   * An optional integer argument.
   *
   * @param key the argument name without the leading dashes
   * @param defaultValue the value when the argument is absent
   * @return its value
   */
  public int integer(String key, int defaultValue) {
    String value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be an integer, got '" + value + "'");
    }
  }
}
