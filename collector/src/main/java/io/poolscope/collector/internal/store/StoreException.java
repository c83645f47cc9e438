package io.poolscope.collector.internal.store;

/** A store operation failed; the server maps it to 503 so clients retry. */
public final class StoreException extends RuntimeException {
  /** Wraps the JDBC failure. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
