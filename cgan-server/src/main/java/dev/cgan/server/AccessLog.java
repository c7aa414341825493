package dev.cgan.server;

import java.util.Locale;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Called by Jetty once each answer is sent, Jetty's own refusals included: the request's line in
 * the access log (when on) and its counts in the metrics (when on).
 *
 * <p>A line: {@code 127.0.0.1 "POST /v1/models/cgan:predict HTTP/1.1" 200 412 3.1ms} (client
 * address, method, path and query, protocol, status, body bytes sent, milliseconds from the first
 * byte of the request to the last of the answer). Control characters and quotes in the target are
 * escaped, and it is cut at 300 characters, so a client cannot forge lines.
 */
final class AccessLog implements RequestLog {
  /** The SLF4J logger the lines go to, at INFO. */
  static final String LOGGER = "dev.cgan.server.access";

  private static final int MAX_TARGET = 300;

  private final Logger log;
  private final Metrics metrics;

  /**
   * @param log whether to log each request
   * @param metrics where to count each request; null for nowhere
   */
  AccessLog(boolean log, Metrics metrics) {
    this.log = log ? LoggerFactory.getLogger(LOGGER) : null;
    this.metrics = metrics;
  }

  boolean active() {
    return log != null || metrics != null;
  }

  @Override
  public void log(Request request, Response response) {
    long nanos = System.nanoTime() - request.getBeginNanoTime();
    int status = response.getStatus();
    String method = request.getMethod();
    String path = Request.getPathInContext(request);
    if (metrics != null) {
      Object reason = request.getAttribute(Front.REASON);
      metrics.record(path, status, nanos, reason instanceof String s ? s : null);
    }
    if (log != null && log.isInfoEnabled()) {
      String query = request.getHttpURI().getQuery();
      log.info(
          line(
              Request.getRemoteAddr(request),
              method,
              query == null ? path : path + "?" + query,
              request.getConnectionMetaData().getProtocol(),
              status,
              Response.getContentBytesWritten(response),
              nanos));
    }
  }

  static String line(
      String remote,
      String method,
      String target,
      String protocol,
      int status,
      long bytes,
      long nanos) {
    return remote
        + " \""
        + clean(method)
        + " "
        + clean(target)
        + " "
        + clean(protocol)
        + "\" "
        + status
        + " "
        + bytes
        + " "
        + String.format(Locale.ROOT, "%.1f", nanos / 1e6)
        + "ms";
  }

  /** Printable ASCII only: others and {@code "} and {@code \} as {@code \xHH}; cut when long. */
  static String clean(String s) {
    if (s == null) {
      return "-";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_TARGET) + 8);
    for (int i = 0; i < s.length() && out.length() < MAX_TARGET; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        out.append(String.format(Locale.ROOT, "\\x%02x", (int) c & 0xff));
      } else {
        out.append(c);
      }
    }
    if (out.length() >= MAX_TARGET) {
      out.setLength(MAX_TARGET);
      out.append("...");
    }
    return out.toString();
  }
}
