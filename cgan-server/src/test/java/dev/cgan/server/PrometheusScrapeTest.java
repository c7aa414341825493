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
      int port = freePort();
      Path config = tmp.resolve("prometheus.yml");
      Files.writeString(
          config,
          "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
              + "scrape_configs:\n  - job_name: serve\n"
              + "    metrics_path: /monitoring/prometheus/metrics\n"
              + "    static_configs:\n      - targets: ['127.0.0.1:"
              + serve.port()
              + "']\n");
      Process prometheus =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + tmp.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("prometheus.log").toFile())
              .start();
      try {
        URI api = URI.create("http://127.0.0.1:" + port + "/api/v1/");
        String count = "sum(:tensorflow:serving:request_count)";
        JsonArray result = awaitResult(api, count, prometheus);
        assertEquals(
            "3", result.get(0).getAsJsonObject().getAsJsonArray("value").get(1).getAsString());
        JsonArray up = query(api, "up{job=\"serve\"}");
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
        prometheus.destroy();
        if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  /** Queries until the result is non-empty: the first scrapes come within seconds. */
  private JsonArray awaitResult(URI api, String promql, Process prometheus) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      assertTrue(
          prometheus.isAlive(), () -> "prometheus exited: " + read(tmp.resolve("prometheus.log")));
      try {
        // Prometheus opens its port before its storage is ready and answers 503 until then.
        if (status(api.resolve("/-/ready")) == 200) {
          JsonArray r = query(api, promql);
          if (!r.isEmpty()) {
            return r;
          }
        }
      } catch (IOException notYetListening) {
        // Prometheus opens its port after reading its config.
      }
      assertTrue(
          System.nanoTime() < deadline,
          () -> "no scrape within 90 s: " + read(tmp.resolve("prometheus.log")));
      Thread.sleep(200);
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
