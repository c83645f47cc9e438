package io.poolscope.collector.internal.api;

/**
 * A failure a client caused or should see, carrying its HTTP status and the {@code error} code of
 * the JSON error shape (API.md). Thrown by handlers and services alike; one exception handler turns
 * it into the response, so no client ever sees a stack trace.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String error;

  /** A failure with an explicit status and error code. */
  public ApiException(int status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  /** 400: the request is malformed. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  /** 404: no such resource. */
  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  /** HTTP status. */
  public int status() {
    return status;
  }

  /** Short machine-readable code. */
  public String error() {
    return error;
  }
}
