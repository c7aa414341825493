package dev.cgan.server;

/** A request the server refuses: the HTTP status and the one-line message of {@code {"error"}}. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** 400: malformed or invalid, as TensorFlow Serving answers INVALID_ARGUMENT. */
  static final int BAD_REQUEST = 400;

  /** 404: no such model, version or endpoint. */
  static final int NOT_FOUND = 404;

  static final int METHOD_NOT_ALLOWED = 405;

  /** 413: a body beyond the server's bound. */
  static final int TOO_LARGE = 413;

  final int status;

  HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static HttpError badRequest(String message) {
    return new HttpError(BAD_REQUEST, message);
  }

  static HttpError notFound(String message) {
    return new HttpError(NOT_FOUND, message);
  }
}
