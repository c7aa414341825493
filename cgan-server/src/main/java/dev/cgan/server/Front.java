package dev.cgan.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What an operator's tools ask, before the model's routes: the Open Inference Protocol's health
 * probes ({@code /v2/health/live}, {@code /v2/health/ready}), Prometheus's scrape ({@code
 * /monitoring/prometheus/metrics}, when on), and, once a stop refuses new work, a 503 for every
 * other request (with {@code Connection: close}, so a client sees an answer, not a reset).
 *
 * <p>The probes and the scrape are answered whatever the Host header says: kubelet and Prometheus
 * name the pod by its address, and these answers hold nothing a page on another site could use.
 */
final class Front extends Handler.Wrapper {
  static final String LIVE = "/v2/health/live";
  static final String READY = "/v2/health/ready";
  static final String METRICS = "/monitoring/prometheus/metrics";

  /** The request attribute naming why a 503 was given ({@code stopping}), for the metrics. */
  static final String REASON = "dev.cgan.server.reason";

  static final String STOPPING =
      "the server is stopping: send the request to another instance, or later";

  private final BrowserSafety safety;
  private final Health health;
  private final Metrics metrics;

  /**
   * @param metrics the registry the scrape answers from; null when the endpoint is off
   */
  Front(Handler routes, BrowserSafety safety, Health health, Metrics metrics) {
    super(routes);
    this.safety = safety;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (metrics != null) {
      metrics.inFlight(+1);
      Request.addCompletionListener(request, failure -> metrics.inFlight(-1));
    }
    String path = Request.getPathInContext(request);
    Answer answer;
    try {
      answer = operations(request, path);
    } catch (HttpError e) {
      answer = Answer.error(e);
    }
    if (answer == null && health.refusing()) {
      request.setAttribute(REASON, "stopping");
      answer = stopping(Answer.error(HttpError.UNAVAILABLE, STOPPING));
    }
    if (answer == null) {
      return super.handle(request, response, callback);
    }
    answer.send(request, response, callback, safety);
    return true;
  }

  /** A stop's 503: {@code Retry-After}, and {@code Connection: close} after it. */
  static Answer stopping(Answer refused) {
    return new Answer(
        refused.status(),
        refused.type(),
        refused.body(),
        List.of(
            new HttpField(HttpHeader.CONNECTION, "close"),
            new HttpField(
                HttpHeader.RETRY_AFTER, Integer.toString(Expensive.RETRY_AFTER_SECONDS))));
  }

  /** The answer for a probe or a scrape; null for any other path. */
  private Answer operations(Request request, String path) {
    switch (path) {
      case LIVE -> {
        requireGet(request, path);
        return Answer.json("{\"live\":true}");
      }
      case READY -> {
        requireGet(request, path);
        String why = health.notReady();
        return why == null
            ? Answer.json("{\"ready\":true}")
            : Answer.error(HttpError.UNAVAILABLE, why);
      }
      case METRICS -> {
        if (metrics == null) {
          return null;
        }
        requireGet(request, path);
        ByteArrayOutputStream text = new ByteArrayOutputStream(16 << 10);
        try {
          metrics.write(text);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return Answer.of(200, Metrics.CONTENT_TYPE, text.toByteArray());
      }
      default -> {
        return null;
      }
    }
  }

  private static void requireGet(Request request, String path) {
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw HttpError.methodNotAllowed(path + " takes GET or HEAD, not " + method, "GET, HEAD");
    }
  }
}
