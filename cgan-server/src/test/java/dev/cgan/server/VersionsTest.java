package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cgan.internal.AtomicFiles;
import dev.cgan.model.Weights;
import dev.cgan.serve.SavedModelExport;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model-base-path}: TF Serving's numbered versions, the version policy, folders that are
 * incomplete or cannot load, and a new version rolled in under load with no failed request and no
 * mixed answer.
 */
class VersionsTest {
  @TempDir static Path tmp;

  /** Two exports of the tiny run that answer differently: its raw and its averaged weights. */
  static Path raw;

  static Path ema;

  static final String PREDICT =
      "{\"signature_name\":\"generate\",\"inputs\":{\"labels\":[3,1],\"seed\":7}}";

  @BeforeAll
  static void exportTwoModels() throws IOException {
    Path run = TinyModel.savedModel().getParent();
    raw = SavedModelExport.export(run, tmp.resolve("raw"), Weights.RAW);
    ema = SavedModelExport.export(run, tmp.resolve("ema"), Weights.EMA);
  }

  /** Copies {@code model} to {@code base/version} as export does: a hidden folder, renamed. */
  static void publish(Path model, Path base, long version) throws IOException {
    Path hidden = base.resolve("." + version + ".copy");
    copy(model, hidden);
    Files.move(hidden, base.resolve(Long.toString(version)));
  }

  static void copy(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }

  static CganServer start(Path base, VersionPolicy policy) throws IOException {
    return CganServer.start(
        ModelBasePath.of(base).withPolicy(policy).withPoll(Duration.ofMillis(50)),
        CganServer.Settings.defaults().withPort(0));
  }

  static HttpResponse<String> get(CganServer s, String path) throws Exception {
    return TinyModel.HTTP.send(
        HttpRequest.newBuilder(s.uri().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> predict(CganServer s, String path) throws Exception {
    return TinyModel.HTTP.send(
        HttpRequest.newBuilder(s.uri().resolve(path))
            .POST(HttpRequest.BodyPublishers.ofString(PREDICT))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Version → [state, error_message] from {@code GET /v1/models/cgan}. */
  static Map<Long, List<String>> states(CganServer s) throws Exception {
    HttpResponse<String> r = get(s, "v1/models/cgan");
    assertEquals(200, r.statusCode(), r.body());
    Map<Long, List<String>> out = new LinkedHashMap<>();
    for (var e :
        JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("model_version_status")) {
      JsonObject o = e.getAsJsonObject();
      out.put(
          o.get("version").getAsLong(),
          List.of(
              o.get("state").getAsString(),
              o.getAsJsonObject("status").get("error_message").getAsString()));
    }
    return out;
  }

  /** Polls the status endpoint until {@code done} holds (a minute at most). */
  static Map<Long, List<String>> awaitStates(CganServer s, Predicate<Map<Long, List<String>>> done)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    Map<Long, List<String>> now = states(s);
    while (!done.test(now)) {
      assertTrue(System.nanoTime() < deadline, "status never got there; last: " + now);
      Thread.sleep(10);
      now = states(s);
    }
    return now;
  }

  /**
   * Waits until every client has had an answer (each counts {@code answering} down); a client that
   * failed meanwhile fails the test with its exception.
   */
  static void awaitAnswering(CountDownLatch answering, List<? extends Future<?>> clients)
      throws Exception {
    while (!answering.await(100, TimeUnit.MILLISECONDS)) {
      for (Future<?> f : clients) {
        if (f.isDone()) {
          f.get();
        }
      }
    }
  }

  static String state(Map<Long, List<String>> states, long v) {
    List<String> s = states.get(v);
    return s == null ? null : s.get(0);
  }

  @Test
  void servesTheHighestCompleteVersionAndIgnoresTheRest() throws Exception {
    Path base = Files.createDirectory(tmp.resolve("layout"));
    publish(raw, base, 1);
    publish(ema, base, 7);
    Files.createDirectories(base.resolve("latest"));
    copy(ema, base.resolve(".9.export"));
    Files.createDirectories(base.resolve("12/variables"));
    Files.copy(raw.resolve("saved_model.pb"), base.resolve("12/saved_model.pb"));
    try (CganServer s = start(base, VersionPolicy.latest())) {
      Map<Long, List<String>> st = states(s);
      assertEquals(Set.of(7L, 12L), st.keySet(), st.toString());
      assertEquals("AVAILABLE", state(st, 7));
      assertEquals("START", state(st, 12));
      assertTrue(st.get(12L).get(1).contains("no variables/variables.index"), st.toString());
      HttpResponse<String> latest = predict(s, "v1/models/cgan:predict");
      HttpResponse<String> seven = predict(s, "v1/models/cgan/versions/7:predict");
      assertEquals(200, latest.statusCode(), latest.body());
      assertEquals(latest.body(), seven.body());
      assertEquals(404, predict(s, "v1/models/cgan/versions/1:predict").statusCode());
      assertEquals(404, get(s, "v1/models/cgan/versions/1").statusCode());
      HttpResponse<String> one = get(s, "v1/models/cgan/versions/7");
      assertEquals(
          "{\"model_version_status\":[{\"version\":\"7\",\"state\":\"AVAILABLE\",\"status\":"
              + "{\"error_code\":\"OK\",\"error_message\":\"\"}}]}",
          one.body());
      assertEquals(200, get(s, "v1/models/cgan/versions/7/metadata").statusCode());
      assertEquals(200, get(s, "v1/models/cgan/versions/7:render?digits=12").statusCode());
      assertEquals(200, get(s, "v2/health/ready").statusCode());
      assertEquals(Map.of(7L, "AVAILABLE", 12L, "START"), s.versionStates());
    }
  }

  @Test
  void allAndSpecificPoliciesServeEachVersionAtItsOwnPath() throws Exception {
    Path base = Files.createDirectory(tmp.resolve("policies"));
    publish(raw, base, 1);
    publish(ema, base, 2);
    publish(raw, base, 3);
    try (CganServer s = start(base, VersionPolicy.all())) {
      Map<Long, List<String>> st = states(s);
      assertEquals(List.of(3L, 2L, 1L), new ArrayList<>(st.keySet()));
      String one = predict(s, "v1/models/cgan/versions/1:predict").body();
      String two = predict(s, "v1/models/cgan/versions/2:predict").body();
      assertNotEquals(one, two);
      assertEquals(one, predict(s, "v1/models/cgan/versions/3:predict").body());
      assertEquals(one, predict(s, "v1/models/cgan:predict").body());
      // The Open Inference paths pick the same versions, and each answers as itself.
      for (long v : new long[] {1, 2, 3}) {
        HttpResponse<String> meta = get(s, "v2/models/cgan/versions/" + v);
        assertEquals(200, meta.statusCode(), meta.body());
        assertEquals(
            "[\"" + v + "\"]",
            JsonParser.parseString(meta.body()).getAsJsonObject().get("versions").toString());
        assertEquals(200, get(s, "v2/models/cgan/versions/" + v + "/ready").statusCode());
      }
      assertEquals(
          "[\"3\"]",
          JsonParser.parseString(get(s, "v2/models/cgan").body())
              .getAsJsonObject()
              .get("versions")
              .toString());
      assertEquals(404, get(s, "v2/models/cgan/versions/4/ready").statusCode());
    }
    try (CganServer s = start(base, VersionPolicy.parse("2,5"))) {
      assertEquals(Map.of(2L, "AVAILABLE"), s.versionStates());
      assertEquals(200, predict(s, "v1/models/cgan:predict").statusCode());
      assertEquals(404, predict(s, "v1/models/cgan/versions/3:predict").statusCode());
    }
  }

  @Test
  void aVersionThatCannotLoadIsReportedAndTheServedOneStays() throws Exception {
    Path base = Files.createDirectory(tmp.resolve("broken"));
    try (CganServer s = start(base, VersionPolicy.latest())) {
      HttpResponse<String> ready = get(s, "v2/health/ready");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("no numbered version folder"), ready.body());
      assertEquals(503, predict(s, "v1/models/cgan:predict").statusCode());
      publish(raw, base, 1);
      awaitStates(s, st -> "AVAILABLE".equals(state(st, 1)));
      assertEquals(200, get(s, "v2/health/ready").statusCode());
      String before = predict(s, "v1/models/cgan:predict").body();

      Path bad = tmp.resolve("bad-export");
      copy(ema, bad);
      Files.writeString(bad.resolve("assets.extra/cgan.json"), "{");
      publish(bad, base, 2);
      Map<Long, List<String>> st = awaitStates(s, x -> "END".equals(state(x, 2)));
      assertTrue(st.get(2L).get(1).startsWith("cannot be served: "), st.toString());
      assertEquals("AVAILABLE", state(st, 1));
      assertEquals(before, predict(s, "v1/models/cgan:predict").body());
      assertEquals(200, get(s, "v2/health/ready").statusCode());

      // Fixed in place: its files change, so it is tried again.
      Files.copy(
          ema.resolve("assets.extra/cgan.json"),
          base.resolve("2/assets.extra/cgan.json"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      awaitStates(s, x -> "AVAILABLE".equals(state(x, 2)) && "END".equals(state(x, 1)));
      assertNotEquals(before, predict(s, "v1/models/cgan:predict").body());

      // Its folder removed: version 1 comes back.
      AtomicFiles.deleteRecursively(base.resolve("2"));
      awaitStates(s, x -> "AVAILABLE".equals(state(x, 1)) && !x.containsKey(2L));
      assertEquals(before, predict(s, "v1/models/cgan:predict").body());
    }
  }

  /**
   * Clients hammer the latest version while version 2 is written: no request fails, every answer is
   * wholly version 1's or version 2's, and once version 1 is END every answer is version 2's.
   */
  @Test
  void aNewVersionRollsInUnderLoadWithoutAFailedOrMixedAnswer() throws Exception {
    Path base = Files.createDirectory(tmp.resolve("rolling"));
    publish(raw, base, 1);
    try (CganServer s = start(base, VersionPolicy.latest())) {
      String v1 = predict(s, "v1/models/cgan:predict").body();
      AtomicBoolean switched = new AtomicBoolean();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> afterEnd = new ConcurrentLinkedQueue<>();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      // Each client has had an answer before version 2 is written: on a loaded machine a client
      // thread may otherwise start only after the switch, and test nothing.
      CountDownLatch answering = new CountDownLatch(4);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
          running.add(
              clients.submit(
                  () -> {
                    int after = 0;
                    boolean answered = false;
                    while (after < 5) {
                      boolean wasSwitched = switched.get();
                      HttpResponse<String> r = predict(s, "v1/models/cgan:predict");
                      if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + r.body());
                      }
                      answers.add(r.body());
                      if (wasSwitched) {
                        afterEnd.add(r.body());
                      }
                      after += wasSwitched ? 1 : 0;
                      if (!answered) {
                        answered = true;
                        answering.countDown();
                      }
                    }
                    return null;
                  }));
        }
        awaitAnswering(answering, running);
        publish(ema, base, 2);
        awaitStates(s, st -> "AVAILABLE".equals(state(st, 2)) && "END".equals(state(st, 1)));
        String v2 = predict(s, "v1/models/cgan/versions/2:predict").body();
        switched.set(true);
        for (Future<?> f : running) {
          f.get();
        }
        assertEquals(List.of(), List.copyOf(failures));
        assertNotEquals(v1, v2);
        long ones = answers.stream().filter(v1::equals).count();
        long twos = answers.stream().filter(v2::equals).count();
        assertEquals(answers.size(), ones + twos, "an answer from neither version");
        assertTrue(twos >= 20, "version 2 answered " + twos + " of " + answers.size());
        assertEquals(20, afterEnd.size());
        assertTrue(afterEnd.stream().allMatch(v2::equals), "version 1 answered after its END");
        assertTrue(ones >= 1, "version 1 answered nothing while version 2 was written");
      } finally {
        clients.shutdownNow();
      }
      assertEquals(404, predict(s, "v1/models/cgan/versions/1:predict").statusCode());
    }
  }
}
