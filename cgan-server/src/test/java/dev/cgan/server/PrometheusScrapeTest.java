package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's {@code prometheus} package, which {@code .ci/run} installs) scraping
 * {@code serve} over loopback: the scrape is up, the expected series are there, and TF Serving's
 * request count after three known predicts reads 3 ({@code MetricsTest} runs {@code promtool}).
 * Skipped, saying why, without it.
 */
@Timeout(180)
@ExtendWith(TinyModel.Prepared.class)
class PrometheusScrapeTest {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  @TempDir Path tmp;

  @Test
  void prometheusScrapesTheSeriesAndCountsKnownTraffic() throws Exception {
    Skip.unless(
        Files.isExecutable(PROMETHEUS), PROMETHEUS + " is missing (apt-get install prometheus)");
    try (CganServer serve = TinyModel.start(CganServer.Settings.defaults().withPort(0))) {
      for (int seed = 0; seed < 3; seed++) {
        HttpResponse<String> r =
            TinyModel.HTTP.send(
                HttpRequest.newBuilder(serve.uri().resolve("v1/models/cgan:predict"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"signature_name\":\"generate\",\"inputs\":{\"labels\":[1],\"seed\":"
                                + seed
                                + "}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
      }
      Path config = tmp.resolve("prometheus.yml");
      Files.writeString(
          config,
          "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
              + "scrape_configs:\n  - job_name: serve\n"
              + "    metrics_path: /monitoring/prometheus/metrics\n"
              + "    static_configs:\n      - targets: ['127.0.0.1:"
              + serve.port()
              + "']\n");
      Prometheus prometheus = startPrometheus(config);
      try {
        URI api = prometheus.api();
        String count = "sum(:tensorflow:serving:request_count)";
        JsonArray result = awaitResult(api, count, prometheus);
        assertEquals(
            "3", result.get(0).getAsJsonObject().getAsJsonArray("value").get(1).getAsString());
        // The latest scrape may have timed out on a loaded machine (up 0 for that one); one that
        // succeeds says 1.
        JsonArray up = awaitResult(api, "up{job=\"serve\"} == 1", prometheus);
        assertEquals("1", up.get(0).getAsJsonObject().getAsJsonArray("value").get(1).getAsString());
        Set<String> names = new TreeSet<>();
        JsonParser.parseString(get(api.resolve("label/__name__/values")))
            .getAsJsonObject()
            .getAsJsonArray("data")
            .forEach(n -> names.add(n.getAsString()));
        for (String want :
            List.of(
                ":tensorflow:serving:request_count",
                ":tensorflow:serving:request_latency_bucket",
                "cgan_http_requests_total",
                "cgan_http_requests_in_flight",
                "cgan_model_version_state",
                "jvm_memory_used_bytes",
                "process_cpu_seconds_total")) {
          assertTrue(names.contains(want), want + " not among " + names);
        }
      } finally {
        stop(prometheus.process());
      }
    }
  }

  /** A Prometheus that answers on {@code api}, and its log. */
  private record Prometheus(Process process, URI api, Path log) {
    String logText() {
      return read(log);
    }
  }

  /**
   * Starts Prometheus on a free port and waits until it is ready and the process answering is this
   * one (its {@code --config.file} is {@code config}). The port is found free and closed before
   * Prometheus binds it: another process may take it meanwhile, and then Prometheus exits; it is
   * started again on another port.
   */
  private Prometheus startPrometheus(Path config) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Path log = tmp.resolve("prometheus-" + attempt + ".log");
      Process p =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + tmp.resolve("data-" + attempt),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Prometheus prometheus =
          new Prometheus(p, URI.create("http://127.0.0.1:" + port + "/api/v1/"), log);
      if (awaitOwnReady(prometheus, config)) {
        return prometheus;
      }
      stop(p);
      assertTrue(attempt < 3, () -> "prometheus could not listen: " + prometheus.logText());
    }
  }

  /**
   * Waits until Prometheus answers {@code /-/ready} (it opens its port before its storage is ready
   * and answers 503 until then) with this {@code config}; false when it exited because its port was
   * taken.
   */
  private static boolean awaitOwnReady(Prometheus prometheus, Path config) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      if (!prometheus.process().isAlive()) {
        String log = prometheus.logText();
        if (log.contains("address already in use")) {
          return false;
        }
        throw new AssertionError("prometheus exited: " + log);
      }
      try {
        if (status(prometheus.api().resolve("/-/ready")) == 200) {
          HttpResponse<String> flags =
              TinyModel.HTTP.send(
                  HttpRequest.newBuilder(prometheus.api().resolve("status/flags")).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (flags.statusCode() == 200 && config.toString().equals(configFile(flags.body()))) {
            return true;
          }
        }
      } catch (IOException notYetListening) {
        // Prometheus opens its port after reading its config.
      }
      assertTrue(
          System.nanoTime() < deadline,
          () -> "prometheus not ready within 90 s: " + prometheus.logText());
      Thread.sleep(200);
    }
  }

  /** The {@code config.file} flag in a {@code /api/v1/status/flags} answer, or null. */
  private static String configFile(String flags) {
    try {
      JsonObject data = JsonParser.parseString(flags).getAsJsonObject().getAsJsonObject("data");
      return data == null || !data.has("config.file")
          ? null
          : data.get("config.file").getAsString();
    } catch (RuntimeException notPrometheus) {
      return null;
    }
  }

  /** Queries until the result is non-empty: the first scrapes come within seconds. */
  private static JsonArray awaitResult(URI api, String promql, Prometheus prometheus)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      assertTrue(
          prometheus.process().isAlive(), () -> "prometheus exited: " + prometheus.logText());
      JsonArray r = query(api, promql);
      if (!r.isEmpty()) {
        return r;
      }
      assertTrue(
          System.nanoTime() < deadline,
          () -> "no result for " + promql + " within 90 s: " + prometheus.logText());
      Thread.sleep(200);
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private static JsonArray query(URI api, String promql) throws Exception {
    JsonObject o =
        JsonParser.parseString(
                get(
                    api.resolve(
                        "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))))
            .getAsJsonObject();
    assertEquals("success", o.get("status").getAsString(), o.toString());
    return o.getAsJsonObject("data").getAsJsonArray("result");
  }

  private static String get(URI uri) throws Exception {
    HttpResponse<String> r =
        TinyModel.HTTP.send(
            HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  private static int status(URI uri) throws Exception {
    return TinyModel.HTTP
        .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
