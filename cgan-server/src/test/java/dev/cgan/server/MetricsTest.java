package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /monitoring/prometheus/metrics}: the counts after known traffic, the format, off. */
@Timeout(120)
@ExtendWith(TinyModel.Prepared.class)
class MetricsTest {
  private static final String GENERATE =
      "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1, 2, 3], \"seed\": 7}}";

  private static CganServer server;
  private static int port;

  @BeforeAll
  static void start() {
    server = TinyModel.start(CganServer.Settings.defaults().withPort(0));
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void countsAfterKnownTrafficUnderTfServingsNamesAndOurs() throws Exception {
    CganServer own = TinyModel.start(CganServer.Settings.defaults().withPort(0));
    try {
      countsAfterKnownTraffic(own.port());
    } finally {
      own.close();
    }
  }

  private static void countsAfterKnownTraffic(int port) throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(
          200, RawHttp.exchange(port, RawHttp.post("/v1/models/cgan:predict", GENERATE)).status());
    }
    assertEquals(
        400, RawHttp.exchange(port, RawHttp.post("/v1/models/cgan:predict", "{\"x\":")).status());
    assertEquals(
        200,
        RawHttp.exchange(port, RawHttp.get("GET", "/v1/models/cgan:render?digits=12345")).status());
    assertEquals(404, RawHttp.exchange(port, RawHttp.get("GET", "/nope")).status());
    assertEquals(
        403,
        RawHttp.exchange(
                port,
                "GET /v1/models/cgan HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            .status());
    assertEquals(200, RawHttp.exchange(port, RawHttp.get("GET", "/v1/models/cgan")).status());

    // Jetty counts a request once its answer is sent, a moment after the client has read it: on a
    // loaded machine the last ones may still be finishing. Scrape until the eight are counted
    // and only the scrape is in flight (an in-flight count that never comes down fails below).
    RawHttp.Reply scrape;
    Map<String, Double> m;
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    do {
      scrape = RawHttp.exchange(port, RawHttp.get("GET", Front.METRICS));
      assertEquals(200, scrape.status());
      m = samples(scrape.text());
    } while (!(answered(m) == 8 && Double.valueOf(1).equals(m.get("cgan_http_requests_in_flight")))
        && System.nanoTime() < deadline);
    assertEquals("text/plain; version=0.0.4; charset=utf-8", scrape.header("Content-Type"));

    assertEquals(
        4.0, m.get(":tensorflow:serving:request_count{model_name=cgan,status=OK}"), m + "");
    assertEquals(
        1.0, m.get(":tensorflow:serving:request_count{model_name=cgan,status=INVALID_ARGUMENT}"));
    assertEquals(
        4.0,
        m.get(
            ":tensorflow:serving:request_latency_count{API=predict,entrypoint=REST,model_name=cgan}"));
    assertEquals(
        1.0,
        m.get(
            ":tensorflow:serving:request_latency_count{API=render,entrypoint=REST,model_name=cgan}"));
    // TF Serving's buckets: 10 µs growing by 1.8, 33 of them, then +Inf.
    long buckets =
        m.keySet().stream()
            .filter(k -> k.startsWith(":tensorflow:serving:request_latency_bucket{API=predict,"))
            .count();
    assertEquals(34, buckets);
    assertTrue(
        m.containsKey(
            ":tensorflow:serving:request_latency_bucket{API=predict,entrypoint=REST,le=10.0,model_name=cgan}"),
        "no le=10.0 bucket");

    assertEquals(3.0, m.get("cgan_http_requests_total{code=200,endpoint=predict}"));
    assertEquals(1.0, m.get("cgan_http_requests_total{code=400,endpoint=predict}"));
    assertEquals(1.0, m.get("cgan_http_requests_total{code=404,endpoint=other}"));
    assertEquals(1.0, m.get("cgan_http_requests_total{code=403,endpoint=status}"));
    assertEquals(1.0, m.get("cgan_requests_rejected_total{reason=bad_request}"));
    assertEquals(1.0, m.get("cgan_requests_rejected_total{reason=not_found}"));
    assertEquals(1.0, m.get("cgan_requests_rejected_total{reason=host_not_allowed}"));
    // The scrape itself is in flight while it is written.
    assertEquals(1.0, m.get("cgan_http_requests_in_flight"));
    // Three predicts of 3 images, one strip of 5 (the refused predict never ran).
    assertEquals(4.0, m.get("cgan_batch_size_count"));
    assertEquals(14.0, m.get("cgan_batch_size_sum"));
    assertEquals(1.0, m.get("cgan_model_version_state{state=AVAILABLE,version=1}"));
    assertTrue(m.get("process_resident_memory_bytes") > 1e6);
    assertTrue(m.get("jvm_memory_used_bytes{area=heap}") > 0);
  }

  /** The requests counted in {@code cgan_http_requests_total}, the scrapes left out. */
  private static double answered(Map<String, Double> m) {
    return m.entrySet().stream()
        .filter(e -> e.getKey().startsWith("cgan_http_requests_total{"))
        .filter(e -> !e.getKey().contains("endpoint=metrics"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  @Test
  void promtoolChecksTheText() throws Exception {
    String promtool = System.getenv().getOrDefault("CGAN_PROMTOOL", "/usr/bin/promtool");
    Skip.unless(
        new File(promtool).canExecute(),
        "MetricsTest.promtoolChecksTheText: no "
            + promtool
            + " (apt-get install prometheus, or set CGAN_PROMTOOL)");
    RawHttp.exchange(port, RawHttp.post("/v1/models/cgan:predict", GENERATE));
    RawHttp.Reply scrape = RawHttp.exchange(port, RawHttp.get("GET", Front.METRICS));
    Path text = Files.createTempFile("cgan-metrics", ".txt");
    Files.write(text, scrape.body());
    Process p =
        new ProcessBuilder(promtool, "check", "metrics")
            .redirectInput(text.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    Files.delete(text);
    // promtool parses the text (an error there is fatal) and lints it. TF Serving's names break two
    // of its lint rules by design (':' in a name; a counter without _total, written untyped here);
    // every other line must be clean.
    List<String> problems = new ArrayList<>();
    for (String line : out.strip().lines().toList()) {
      boolean tfServing =
          line.startsWith(":tensorflow:serving:")
              && line.contains("metric names should not contain ':'");
      if (!line.isBlank() && !tfServing) {
        problems.add(line);
      }
    }
    assertEquals(List.of(), problems, out);
    System.out.println(
        "[MetricsTest] promtool check metrics: "
            + out.strip().lines().count()
            + " lint notes, all on TF Serving's ':' names");
  }

  @Test
  void offMeansNoEndpoint() throws Exception {
    CganServer off = TinyModel.start(CganServer.Settings.defaults().withPort(0).withMetrics(false));
    try {
      RawHttp.Reply r = RawHttp.exchange(off.port(), RawHttp.get("GET", Front.METRICS));
      assertEquals(404, r.status(), r.toString());
    } finally {
      off.close();
    }
  }

  /** Sample lines as {@code name{label=value,...}} (labels sorted, quotes dropped) to value. */
  static Map<String, Double> samples(String text) throws IOException {
    Pattern line = Pattern.compile("([^{ ]+)(?:\\{(.*)\\})? (\\S+)");
    Pattern label = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    Map<String, Double> out = new TreeMap<>();
    for (String l : text.lines().toList()) {
      if (l.startsWith("#") || l.isBlank()) {
        continue;
      }
      Matcher m = line.matcher(l);
      assertTrue(m.matches(), "not a sample line: " + l);
      TreeMap<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher lm = label.matcher(m.group(2));
        while (lm.find()) {
          labels.put(lm.group(1), lm.group(2));
        }
      }
      StringBuilder key = new StringBuilder(m.group(1));
      if (!labels.isEmpty()) {
        key.append('{');
        labels.forEach(
            (k, v) ->
                key.append(key.charAt(key.length() - 1) == '{' ? "" : ",")
                    .append(k)
                    .append('=')
                    .append(v));
        key.append('}');
      }
      out.put(key.toString(), Double.parseDouble(m.group(3)));
    }
    return out;
  }
}
