package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as its own process, as an operator runs it: the access log, the metrics switch, and
 * the console as quiet as before logging had a binding; SIGTERM stops it gracefully.
 */
@Timeout(180)
class ServeProcessTest {
  @TempDir static Path tmp;
  static Path run;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Access-log lines: client, "method target protocol", status, bytes, milliseconds. */
  private static final Pattern ACCESS =
      Pattern.compile(
          "\\S+ INFO access - 127\\.0\\.0\\.1 \"(GET|POST) (\\S+) HTTP/1\\.1\" (\\d{3}) (\\d+)"
              + " \\d+\\.\\dms");

  @BeforeAll
  static void trainATinyRun() throws Exception {
    run = CliTest.tinyRun(tmp);
  }

  record Served(Process process, URI uri, Path out, Path err) {}

  static Served serve(String... options) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("serve");
    command.add("--model");
    command.add(run.toString());
    command.add("--port");
    command.add("0");
    command.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(command);
    // Set, so that the CLI does not relaunch itself (the process to signal is this one).
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.environment().put("TF_OVERRIDE_GLOBAL_THREADPOOL", "1");
    Path err = Files.createTempFile(tmp, "stderr-", ".txt");
    pb.redirectError(err.toFile());
    Path out = Files.createTempFile(tmp, "stdout-", ".txt");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    // The first line says where it listens, once it does.
    while (p.isAlive() && !Files.readString(out).contains("\n")) {
      Thread.sleep(20);
    }
    String first = Files.readString(out).lines().findFirst().orElse(null);
    Matcher m = Pattern.compile("serving .* at (http://\\S+/) ").matcher(String.valueOf(first));
    assertTrue(m.find(), "first line: " + first);
    return new Served(p, URI.create(m.group(1)), out, err);
  }

  static HttpResponse<String> get(URI base, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(path.substring(1))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** TensorFlow's native library writes these two even at TF_CPP_MIN_LOG_LEVEL=2. */
  static List<String> ownLines(String stderr) {
    return stderr
        .lines()
        .filter(l -> !l.contains("absl::InitializeLog") && !l.contains("mlir_graph_optimization"))
        .toList();
  }

  @Test
  void accessLogToAFileOneLinePerRequestAndTheConsoleStaysQuiet() throws Exception {
    Path log = tmp.resolve("access.log");
    Served s = serve("--access-log", log.toString());
    assertEquals(200, get(s.uri(), "/v1/models/cgan").statusCode());
    assertEquals(200, get(s.uri(), "/v2/health/ready").statusCode());
    assertEquals(404, get(s.uri(), "/nope?x=%22a").statusCode());
    HttpResponse<String> metrics = get(s.uri(), "/monitoring/prometheus/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("cgan_http_requests_total"), metrics.body());
    s.process().destroy();
    assertTrue(s.process().waitFor(60, TimeUnit.SECONDS));
    String stopped = Files.readAllLines(s.out()).get(1);
    // SIGTERM's exit status (128 + 15), after the shutdown hook's graceful stop.
    assertEquals(143, s.process().exitValue());
    assertTrue(String.valueOf(stopped).startsWith("stopped: "), stopped);
    List<String> lines = Files.readAllLines(log);
    assertEquals(4, lines.size(), lines.toString());
    String[][] expected = {
      {"/v1/models/cgan", "200"},
      {"/v2/health/ready", "200"},
      {"/nope?x=%22a", "404"},
      {"/monitoring/prometheus/metrics", "200"}
    };
    for (int i = 0; i < expected.length; i++) {
      Matcher m = ACCESS.matcher(lines.get(i));
      assertTrue(m.matches(), lines.get(i));
      assertEquals(expected[i][0], m.group(2));
      assertEquals(expected[i][1], m.group(3));
      assertTrue(Long.parseLong(m.group(4)) > 0, lines.get(i));
    }
    assertEquals(List.of(), ownLines(stderrOf(s)));
  }

  @Test
  void noMetricsAndNoAccessLogByDefaultNothingOnStderr() throws Exception {
    Served s = serve("--no-metrics");
    assertEquals(404, get(s.uri(), "/monitoring/prometheus/metrics").statusCode());
    assertEquals(200, get(s.uri(), "/v2/health/live").statusCode());
    // A request Jetty itself refuses: still nothing on the console.
    assertEquals(400, get(s.uri(), "/v1/models/cgan:render?digits=12a").statusCode());
    s.process().destroy();
    assertTrue(s.process().waitFor(60, TimeUnit.SECONDS));
    // SIGTERM's exit status (128 + 15), after the shutdown hook's graceful stop.
    assertEquals(143, s.process().exitValue());
    assertEquals(List.of(), ownLines(stderrOf(s)));
  }

  @Test
  void accessLogOnStderr() throws Exception {
    Served s = serve("--access-log");
    assertEquals(200, get(s.uri(), "/v2/health/live").statusCode());
    s.process().destroy();
    assertTrue(s.process().waitFor(60, TimeUnit.SECONDS));
    List<String> err = ownLines(stderrOf(s));
    assertEquals(1, err.size(), err.toString());
    Matcher m = ACCESS.matcher(err.get(0));
    assertTrue(m.matches(), err.get(0));
    assertEquals("/v2/health/live", m.group(2));
  }

  private static String stderrOf(Served s) throws Exception {
    return Files.readString(s.err());
  }
}
