package io.poolscope.collector.internal.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error responses in the collector's JSON error shape. Jetty answers some requests
 * before Javalin sees them: a request line or URI over the 8 KiB header buffer (414), header fields
 * over it (431), an unknown HTTP version (505), an unparseable request line, header, Host or URI
 * (400); its default handler writes an HTML page that may quote part of the request. This one
 * writes {@code {"status", "error", "message"}} as {@code application/json} with {@code nosniff},
 * never a stack trace, and a message built from the status plus Jetty's reason reduced to plain
 * characters, so no client input comes back as markup.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final int MAX_REASON = 120;

  JsonErrorHandler() {
    setShowStacks(false);
    setShowServlet(false);
  }

  /** Requests the HTTP parser rejected: no request object, the connection is closed afterwards. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    fields.put("X-Content-Type-Options", "nosniff");
    return ByteBuffer.wrap(body(status, reason));
  }

  /** Errors Jetty raises while dispatching (e.g. a URI it cannot decode), outside Javalin. */
  @Override
  public void handle(
      String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    baseRequest.setHandled(true);
    if (response.isCommitted()) {
      return;
    }
    int status = response.getStatus();
    Object reason = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
    byte[] body = body(status, reason == null ? null : reason.toString());
    response.setContentType("application/json");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  static byte[] body(int status, String reason) {
    String message = describe(status);
    String plain = plain(reason);
    if (!plain.isEmpty() && !plain.equalsIgnoreCase(HttpStatus.getMessage(status))) {
      message = message + " (" + plain + ")";
    }
    return ErrorJson.of(status, ApiServer.code(status), message);
  }

  private static String describe(int status) {
    return switch (status) {
      case 400 -> "the request is malformed: Jetty could not parse it";
      case 414 -> "the request URI is too long";
      case 431 -> "the request header fields are too large";
      case 501 -> "the request method is not implemented";
      case 505 -> "the HTTP version is not supported";
      default -> "the request was rejected: " + HttpStatus.getMessage(status);
    };
  }

  /**
   * Jetty's reason, kept only as far as it is plain text: letters, digits, spaces and simple
   * punctuation, clipped. Reasons sometimes quote a character of the request; none of the kept
   * characters is markup.
   */
  private static String plain(String reason) {
    if (reason == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < reason.length() && out.length() < MAX_REASON; i++) {
      char c = reason.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || " .,:;_-()/".indexOf(c) >= 0;
      out.append(ok ? c : '?');
    }
    return out.toString().trim();
  }
}
