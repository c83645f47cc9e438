package io.poolscope.alerts;

/**
 * A rule file that cannot be used. The message names the source, the 1-based line and the reason,
 * e.g. {@code rules.yml:12: rule 'PoolscopeBudgetHigh': for: not a duration: '1 min'}.
 */
public final class RuleFileException extends IllegalArgumentException {
  private final String source;
  private final int line;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param source file name or other description of where the text came from
   * @param line 1-based line, or 0 when unknown
   * @param reason what is wrong
   * @param cause the underlying error, may be {@code null}
   */
  public RuleFileException(String source, int line, String reason, Throwable cause) {
    super(source + ":" + line + ": " + reason, cause);
    this.source = source;
    this.line = line;
    this.reason = reason;
  }

  /** Where the rule text came from. */
  public String source() {
    return source;
  }

  /** 1-based line of the problem (0 when unknown). */
  public int line() {
    return line;
  }

  /** What is wrong, without the location. */
  public String reason() {
    return reason;
  }
}
