package dev.cgan.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** One answer of the server: status, content type, body, and the headers a refusal adds. */
record Answer(int status, String type, byte[] body, List<HttpField> extra) {
  static final String JSON = "application/json";

  static Answer of(int status, String type, byte[] body) {
    return new Answer(status, type, body, List.of());
  }

  static Answer json(String body) {
    return of(200, JSON, body.getBytes(StandardCharsets.UTF_8));
  }

  static Answer error(int status, String message) {
    return of(status, JSON, Json.error(message).getBytes(StandardCharsets.UTF_8));
  }

  /** The refusal's status and message, with its {@code Allow} or {@code Retry-After}. */
  static Answer error(HttpError e) {
    Answer a = error(e.status, e.getMessage());
    if (e.allow != null) {
      return new Answer(
          a.status, a.type, a.body, List.of(new HttpField(HttpHeader.ALLOW, e.allow)));
    }
    if (e.retryAfterSeconds > 0) {
      return new Answer(
          a.status,
          a.type,
          a.body,
          List.of(new HttpField(HttpHeader.RETRY_AFTER, Integer.toString(e.retryAfterSeconds))));
    }
    return a;
  }

  /**
   * Writes the answer with the headers every answer carries; to HEAD, the same headers and no body.
   * What has arrived of a body the route did not read is dropped.
   */
  void send(Request request, Response response, Callback callback, BrowserSafety safety) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, type);
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    safety.stamp(headers);
    extra.forEach(headers::put);
    // An answer given before the request's body has all arrived (a 404 or 405 decided from the
    // path): Jetty then closes the connection once the answer is out. Say so, or a client that
    // pools connections sends its next request into the closing one and reads nothing back.
    if (!request.consumeAvailable()) {
      headers.put(HttpHeader.CONNECTION, "close");
    }
    if (HttpStatus.hasNoBody(status)) {
      response.write(true, null, callback);
      return;
    }
    headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    boolean head = HttpMethod.HEAD.is(request.getMethod());
    response.write(true, head ? null : ByteBuffer.wrap(body), callback);
  }
}
