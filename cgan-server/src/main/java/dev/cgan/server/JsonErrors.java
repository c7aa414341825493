package dev.cgan.server;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals as {@code {"error": "one line"}}: what Jetty answers before or without
 * {@link Routes} (a request line, URI, header or body its parser refuses, an HTTP version it does
 * not speak, a failure after the answer started) would otherwise be an HTML page, some naming a
 * Java exception. Installed as the server's error handler, so it answers for all of them.
 */
final class JsonErrors implements Request.Handler {
  private final BrowserSafety safety;
  private final HttpConfiguration http;

  JsonErrors(BrowserSafety safety, HttpConfiguration http) {
    this.safety = safety;
    this.http = http;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    Object cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
    Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    String reason = message instanceof String s ? s : null;
    if (cause instanceof HttpException e) {
      status = e.getCode();
      reason = e.getReason();
    }
    if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
      // Jetty's graceful stop refuses what comes on an open connection once it has begun.
      request.setAttribute(Front.REASON, "stopping");
    }
    if (status < 400 || status > 599) {
      status = HttpStatus.INTERNAL_SERVER_ERROR_500;
    }
    Answer answer = Answer.error(status, message(status, reason));
    if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
      answer = Front.stopping(answer);
    }
    answer.send(request, response, callback, safety);
    return true;
  }

  /** One line for the client, in this server's words; Jetty's reason only where it says more. */
  private String message(int status, String reason) {
    String jetty = reason == null || reason.isBlank() ? "" : Json.oneLine(reason);
    String why =
        jetty.isEmpty() || jetty.equalsIgnoreCase(HttpStatus.getMessage(status)) ? "" : jetty;
    return switch (status) {
      case 400 ->
          "bad request: "
              + (why.isEmpty() ? "the request line, its URI or a header is malformed" : why);
      case 408 -> "the request did not arrive in time";
      case 414 ->
          "the request URI is longer than this server's bound of "
              + http.getRequestHeaderSize()
              + " bytes";
      case 431 ->
          "the request headers are larger than this server's bound of "
              + http.getRequestHeaderSize()
              + " bytes";
      case 505 -> "HTTP version not supported: this server speaks HTTP/1.1 and HTTP/1.0";
      case 500 -> "internal error: the server could not answer this request";
        // Jetty's graceful stop refuses what comes on an open connection once it has begun.
      case 503 -> "the server is stopping: send the request to another instance, or later";
      default ->
          HttpStatus.getMessage(status).toLowerCase(java.util.Locale.ROOT)
              + (why.isEmpty() ? "" : ": " + why);
    };
  }
}
