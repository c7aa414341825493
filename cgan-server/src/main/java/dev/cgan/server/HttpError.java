package dev.cgan.server;

/** A request the server refuses: the HTTP status and the one-line message of {@code {"error"}}. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** 400: malformed or invalid, as TensorFlow Serving answers INVALID_ARGUMENT. */
  static final int BAD_REQUEST = 400;

  /** 403: a Host name this server does not answer (a DNS rebinding page, most likely). */
  static final int FORBIDDEN = 403;

  /** 404: no such model, version or endpoint. */
  static final int NOT_FOUND = 404;

  static final int METHOD_NOT_ALLOWED = 405;

  /** 408: a request body that did not arrive in time. */
  static final int REQUEST_TIMEOUT = 408;

  /** 413: a body beyond the server's bound. */
  static final int TOO_LARGE = 413;

  /** 500: the model failed to run, or a bug. */
  static final int INTERNAL = 500;

  /** 503: every slot for expensive work is taken; {@link #retryAfterSeconds} says when to retry. */
  static final int UNAVAILABLE = 503;

  final int status;

  /** For a 405: the methods the path takes, for the {@code Allow} header; else null. */
  final String allow;

  /** For a 503: seconds for the {@code Retry-After} header; else 0. */
  final int retryAfterSeconds;

  HttpError(int status, String message) {
    this(status, message, null, 0);
  }

  private HttpError(int status, String message, String allow, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.allow = allow;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static HttpError badRequest(String message) {
    return new HttpError(BAD_REQUEST, message);
  }

  static HttpError notFound(String message) {
    return new HttpError(NOT_FOUND, message);
  }

  static HttpError methodNotAllowed(String message, String allow) {
    return new HttpError(METHOD_NOT_ALLOWED, message, allow, 0);
  }

  static HttpError busy(String message, int retryAfterSeconds) {
    return new HttpError(UNAVAILABLE, message, null, retryAfterSeconds);
  }
}
