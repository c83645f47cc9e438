package io.poolscope.collector.internal.plan;

/**
 * Input the plan cannot use: a manifest (named with its file and line), an option, or a change sent
 * to {@code POST /api/plan}. The message is one line, fit for a CI log or an API error.
 */
public final class PlanInputException extends RuntimeException {
  private final String where;

  /** {@code where} is {@code file:line}, an option name, or a field of the change. */
  public PlanInputException(String where, String message) {
    super(oneLine(where == null ? message : where + ": " + message), null, false, false);
    this.where = where;
  }

  /** The file and line, option or field the message is about; null when none. */
  public String where() {
    return where;
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
