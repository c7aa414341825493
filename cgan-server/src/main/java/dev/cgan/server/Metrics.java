package dev.cgan.server;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's Prometheus metrics, on the Prometheus Java client (its registry, metric types, JVM
 * and process collectors and text format writer).
 *
 * <p>TensorFlow Serving's names and labels, so that its dashboards work on this server:
 *
 * <ul>
 *   <li>{@code :tensorflow:serving:request_count{model_name,status}}: model requests ({@code
 *       :predict}, {@code :render}, {@code :interpolate}) by outcome, as TF Serving's status codes
 *       ({@code OK}, {@code INVALID_ARGUMENT}, ...). TF Serving types it {@code counter}; the
 *       Prometheus client writes every counter with a {@code _total} suffix, which would change the
 *       name, so it is written {@code untyped} under TF Serving's exact name ({@code rate()} and
 *       {@code increase()} work on it the same).
 *   <li>{@code :tensorflow:serving:request_latency{model_name,API,entrypoint}}: a histogram of the
 *       wall time of those requests in microseconds, TF Serving's 33 buckets (10 µs growing by 1.8,
 *       to about 20 minutes); {@code API} the method ({@code predict}, ...), {@code entrypoint}
 *       {@code REST}.
 * </ul>
 *
 * <p>This server's own: {@code cgan_http_requests_total{endpoint,code}}, {@code
 * cgan_http_request_duration_seconds{endpoint}}, {@code cgan_http_requests_in_flight}, {@code
 * cgan_requests_rejected_total{reason}}, {@code cgan_batch_size} (images per generator call),
 * {@code cgan_model_load_duration_seconds{version}}, {@code
 * cgan_model_version_state{version,state}} (1 for each version's current state), and the JVM and
 * process collectors ({@code jvm_memory_*}, {@code process_resident_memory_bytes}, ...). Every
 * label value comes from a fixed set or from the server's own model and versions, never from what a
 * client sent, so a client cannot grow the series without bound.
 */
final class Metrics {
  static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** A version's state for {@code cgan_model_version_state} and its load time, when known. */
  record VersionState(long version, String state, double loadSeconds) {}

  private static final Pattern MODEL_PATH =
      Pattern.compile(
          "/v1/models/([^/:]+)(?:/versions/[^/:]+)?(?:(/metadata)|:(predict|render|interpolate))?");

  private final String model;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter modelRequests;
  private final Histogram modelLatency;
  private final Counter httpRequests;
  private final Histogram httpLatency;
  private final Gauge inFlight;
  private final Counter rejected;
  private final Histogram batchSize;
  private final Histogram batchRequests;

  /**
   * @param model the served model's name, the only {@code model_name} label value
   * @param versions the versions and their states, read at each scrape
   */
  Metrics(String model, Supplier<List<VersionState>> versions) {
    this.model = model;
    // Kept out of the registry: written under TF Serving's name by the collector below.
    modelRequests =
        Counter.builder()
            .name("tensorflow_serving_request_count")
            .labelNames("model_name", "status")
            .build();
    registry.register(
        () -> {
          CounterSnapshot counts = modelRequests.collect();
          UnknownSnapshot.Builder b =
              UnknownSnapshot.builder()
                  .name(":tensorflow:serving:request_count")
                  .help("The total number of requests.");
          counts
              .getDataPoints()
              .forEach(
                  p ->
                      b.dataPoint(
                          UnknownSnapshot.UnknownDataPointSnapshot.builder()
                              .labels(p.getLabels())
                              .value(p.getValue())
                              .build()));
          return b.build();
        });
    double[] micros = new double[33];
    for (int i = 0; i < micros.length; i++) {
      micros[i] = 10 * Math.pow(1.8, i);
    }
    modelLatency =
        Histogram.builder()
            .name(":tensorflow:serving:request_latency")
            .help("Distribution of wall time (in microseconds) for Tensorflow Serving request.")
            .labelNames("model_name", "API", "entrypoint")
            .classicUpperBounds(micros)
            .classicOnly()
            .register(registry);
    httpRequests =
        Counter.builder()
            .name("cgan_http_requests_total")
            .help("HTTP requests answered, by endpoint and status code.")
            .labelNames("endpoint", "code")
            .register(registry);
    httpLatency =
        Histogram.builder()
            .name("cgan_http_request_duration_seconds")
            .help("Time from a request's first byte to its answer's last, by endpoint.")
            .labelNames("endpoint")
            .classicUpperBounds(
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .classicOnly()
            .register(registry);
    inFlight =
        Gauge.builder()
            .name("cgan_http_requests_in_flight")
            .help("Requests being handled now.")
            .register(registry);
    rejected =
        Counter.builder()
            .name("cgan_requests_rejected_total")
            .help(
                "Requests refused, by reason: bad_request, host_not_allowed, not_found,"
                    + " method_not_allowed, body_timeout, body_too_large, headers_too_large,"
                    + " busy, stopping, other.")
            .labelNames("reason")
            .register(registry);
    batchSize =
        Histogram.builder()
            .name("cgan_batch_size")
            .help("Images per generator call (one request's, or a merged batch's).")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
            .classicOnly()
            .register(registry);
    batchRequests =
        Histogram.builder()
            .name("cgan_batch_requests")
            .help(
                "Predict requests answered by one generator call: more than 1 when --batching"
                    + " merged identical concurrent requests.")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128)
            .classicOnly()
            .register(registry);
    registry.register(
        () -> {
          GaugeSnapshot.Builder b =
              GaugeSnapshot.builder()
                  .name("cgan_model_load_duration_seconds")
                  .help("How long each loaded version took to load and warm up.");
          for (VersionState v : versions.get()) {
            if (v.loadSeconds() >= 0) {
              b.dataPoint(
                  GaugeSnapshot.GaugeDataPointSnapshot.builder()
                      .labels(Labels.of("version", Long.toString(v.version())))
                      .value(v.loadSeconds())
                      .build());
            }
          }
          return b.build();
        });
    registry.register(
        () -> {
          GaugeSnapshot.Builder b =
              GaugeSnapshot.builder()
                  .name("cgan_model_version_state")
                  .help(
                      "1 for each version's state, as /v1/models/NAME reports it: LOADING,"
                          + " AVAILABLE, UNLOADING, END.");
          for (VersionState v : versions.get()) {
            b.dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("state", v.state(), "version", Long.toString(v.version())))
                    .value(1)
                    .build());
          }
          return b.build();
        });
    JvmMetrics.builder().register(registry);
  }

  /** Counts one answered request; {@code reason} says why a 503 was given, when known. */
  void record(String path, int status, long nanos, String reason) {
    String endpoint = "other";
    Matcher m = MODEL_PATH.matcher(path);
    if (m.matches()) {
      String action = m.group(3);
      endpoint = action != null ? action : m.group(2) != null ? "metadata" : "status";
      if (action != null && m.group(1).equals(model)) {
        modelRequests.labelValues(model, tfStatus(status)).inc();
        modelLatency.labelValues(model, action, "REST").observe(nanos / 1e3);
      }
    } else if (path.equals(Front.LIVE) || path.equals(Front.READY)) {
      endpoint = "health";
    } else if (OpenInference.owns(path)) {
      endpoint = OpenInference.endpoint(path);
    } else if (path.equals(Front.METRICS)) {
      endpoint = "metrics";
    } else if (path.equals("/") || path.equals("/index.html")) {
      endpoint = "page";
    }
    httpRequests.labelValues(endpoint, Integer.toString(status)).inc();
    httpLatency.labelValues(endpoint).observe(nanos / 1e9);
    if (((status >= 400 && status < 500) || status == 503 || status == 505)
        && !endpoint.equals("health")) {
      rejected.labelValues(reason(status, reason)).inc();
    }
  }

  void inFlight(int delta) {
    inFlight.inc(delta);
  }

  /** One generator call of {@code images} images. */
  void batch(long images) {
    batchSize.observe(images);
  }

  /** One batched predict run that answered {@code requests} requests. */
  void batchRequests(long requests) {
    batchRequests.observe(requests);
  }

  void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
  }

  /** TensorFlow Serving's status code name for an HTTP status, as its REST API maps them. */
  static String tfStatus(int http) {
    return switch (http) {
      case 200 -> "OK";
      case 400, 405, 413, 414, 431 -> "INVALID_ARGUMENT";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 408 -> "DEADLINE_EXCEEDED";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 500 -> "INTERNAL";
      case 501 -> "UNIMPLEMENTED";
      case 503 -> "UNAVAILABLE";
      default -> "UNKNOWN";
    };
  }

  private static String reason(int status, String given) {
    if (given != null) {
      return given;
    }
    return switch (status) {
      case 400, 505 -> "bad_request";
      case 403 -> "host_not_allowed";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "body_timeout";
      case 413 -> "body_too_large";
      case 414, 431 -> "headers_too_large";
      case 503 -> "busy";
      default -> "other";
    };
  }
}
