package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --batching}: concurrent predicts that differ share padded runs, and every answer, merged
 * or not, is bit for bit what the same request gets alone from a batching server; {@code
 * generate_styled} requests are merged only when identical, keeping the unbatched answer.
 */
class BatchingTest {
  static CganServer batching;
  static CganServer aloneServer;

  @BeforeAll
  static void start() {
    // Whether rows are independent at a size is the CPU's kernels' doing (16 holds here with
    // AVX-512 and with oneDNN capped at AVX2, 8 and 32 do not with AVX2); where it does not hold,
    // the server merges identical requests only, and these tests have nothing to check.
    try {
      new PaddedBatcher(TinyModel.generator(), 16, 0, n -> {}, n -> {}).check();
    } catch (IllegalArgumentException e) {
      Assumptions.abort("rows are not independent at 16 on this machine: " + e.getMessage());
    }
    // A run fills at 16 rows; the first request waits up to a second for them.
    batching =
        TinyModel.start(
            CganServer.Settings.defaults().withPort(0).withThreads(24).withBatching(16, 1_000_000));
    // The same run size without waiting: a request sent alone runs alone, padded.
    aloneServer =
        TinyModel.start(
            CganServer.Settings.defaults().withPort(0).withThreads(24).withBatching(16, 0));
  }

  @AfterAll
  static void stop() {
    for (CganServer s : new CganServer[] {batching, aloneServer}) {
      if (s != null) {
        s.close();
      }
    }
  }

  static String body(int seed) {
    return "{\"signature_name\":\"generate\",\"inputs\":{\"labels\":[3,1],\"seed\":" + seed + "}}";
  }

  static HttpResponse<String> predict(CganServer s, String body) throws Exception {
    return TinyModel.HTTP.send(
        HttpRequest.newBuilder(s.uri().resolve("v1/models/cgan:predict"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** 16 clients at once, each sending {@code bodies.get(i)}; their answers in order. */
  static List<String> together(List<String> bodies) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (String b : bodies) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return predict(batching, b);
                }));
      }
      go.countDown();
      List<String> out = new ArrayList<>();
      for (Future<HttpResponse<String>> f : answers) {
        HttpResponse<String> r = f.get();
        assertEquals(200, r.statusCode(), r.body());
        out.add(r.body());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code cgan_batch_requests}: how many runs, answering how many requests. */
  static long[] runsAndRequests() throws Exception {
    String text =
        TinyModel.HTTP
            .send(
                HttpRequest.newBuilder(batching.uri().resolve("monitoring/prometheus/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    long[] out = new long[2];
    Matcher count = Pattern.compile("(?m)^cgan_batch_requests_count (\\S+)$").matcher(text);
    Matcher sum = Pattern.compile("(?m)^cgan_batch_requests_sum (\\S+)$").matcher(text);
    if (count.find() && sum.find()) {
      out[0] = (long) Double.parseDouble(count.group(1));
      out[1] = (long) Double.parseDouble(sum.group(1));
    }
    return out;
  }

  static String styled(int seed) {
    return "{\"signature_name\":\"generate_styled\",\"inputs\":{\"labels\":[3,1],\"seed\":"
        + seed
        + ",\"same_style\":true,\"truncation\":0.5}}";
  }

  /** 16 requests that differ: three signatures, 1 to 3 rows each, 33 rows in all. */
  static List<String> differentBodies() {
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String labels = List.of("[4]", "[0,9]", "[2,7,5]").get(i % 3);
      bodies.add(
          switch (i % 4) {
            case 0 -> "{\"inputs\":{\"labels\":[" + (i % 10) + "],\"noise\":[" + noise(i) + "]}}";
            case 1 ->
                "{\"signature_name\":\"generate_mixed\",\"inputs\":{\"noise\":["
                    + noise(i)
                    + "],\"label_weights\":[[0,0,0,0.25,0,0,0,0.75,0,0]]}}";
            default ->
                "{\"signature_name\":\"generate\",\"inputs\":{\"labels\":"
                    + labels
                    + ",\"seed\":"
                    + i
                    + "}}";
          });
    }
    return bodies;
  }

  /** One latent row of 100 values drawn from {@code k}. */
  static String noise(int k) {
    java.util.Random r = new java.util.Random(k);
    StringBuilder s = new StringBuilder("[");
    for (int j = 0; j < 100; j++) {
      s.append(j == 0 ? "" : ",").append((float) r.nextGaussian());
    }
    return s.append(']').toString();
  }

  @Test
  void differentRequestsShareRunsAndEachGetsItsAloneAnswer() throws Exception {
    List<String> bodies = differentBodies();
    long[] before = runsAndRequests();
    List<String> answers = together(bodies);
    long[] after = runsAndRequests();
    for (int i = 0; i < bodies.size(); i++) {
      HttpResponse<String> alone = predict(aloneServer, bodies.get(i));
      assertEquals(200, alone.statusCode(), alone.body());
      assertEquals(alone.body(), answers.get(i), "request " + i + ": " + bodies.get(i));
    }
    // 33 rows need three runs of 16; merging none would take 16 (one a request).
    long runs = after[0] - before[0];
    assertTrue(runs < 16, "16 requests took " + runs + " runs");
    assertTrue(after[1] - before[1] > runs, "no run answered more than one request");
  }

  @Test
  void identicalRequestsShareRunsAndGetTheirAloneAnswer() throws Exception {
    String alone = predict(aloneServer, body(7)).body();
    long[] before = runsAndRequests();
    List<String> answers = together(java.util.Collections.nCopies(16, body(7)));
    long[] after = runsAndRequests();
    answers.forEach(a -> assertEquals(alone, a));
    long runs = after[0] - before[0];
    assertEquals(16, after[1] - before[1]);
    assertTrue(runs < 16, "16 identical requests took " + runs + " runs");
  }

  @Test
  void aRequestSpanningRunsMatchesItsPrefixRunAlone() throws Exception {
    // 40 rows take three runs of 16 (rows 16-19 lead the second run, beside rows 20-31); 20 rows
    // of the same seed take two (rows 16-19 alone in the second, beside padding). A seed's first
    // rows are the same noise whatever the count, so the shared rows must be equal bit for bit.
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      labels.append(i == 0 ? "" : ",").append(i % 10);
    }
    String all = labels.toString();
    String first20 = all.substring(0, all.indexOf(',', 38)); // the first 20 labels
    JsonObject forty = outputs(predict(aloneServer, generate(all, 11)).body());
    JsonObject twenty = outputs(predict(aloneServer, generate(first20, 11)).body());
    for (String output : List.of("images", "pixels")) {
      var many = forty.getAsJsonArray(output);
      var few = twenty.getAsJsonArray(output);
      assertEquals(40, many.size());
      assertEquals(20, few.size());
      for (int i = 0; i < 20; i++) {
        assertEquals(few.get(i).toString(), many.get(i).toString(), output + " row " + i);
      }
    }
  }

  static String generate(String labels, int seed) {
    return "{\"signature_name\":\"generate\",\"inputs\":{\"labels\":["
        + labels
        + "],\"seed\":"
        + seed
        + "}}";
  }

  @Test
  void generateMergedDrawsTheSeedsNoise() throws Exception {
    // The answers of both servers come from the same noise; only the batch size differs (16 here,
    // 2 unbatched), so the floats differ at most in their last bits and the pixels by a level.
    for (int seed : new int[] {0, 7, 123456789}) {
      JsonObject batched = outputs(predict(aloneServer, body(seed)).body());
      JsonObject unbatched = outputs(predict(TinyModel.server(), body(seed)).body());
      float[] a = flat(batched.get("images")), b = flat(unbatched.get("images"));
      float[] pa = flat(batched.get("pixels")), pb = flat(unbatched.get("pixels"));
      assertEquals(b.length, a.length);
      for (int k = 0; k < a.length; k++) {
        assertTrue(Math.abs(a[k] - b[k]) <= 1e-5f, "seed " + seed + " value " + k);
        assertTrue(Math.abs(pa[k] - pb[k]) <= 1f, "seed " + seed + " pixel " + k);
      }
    }
  }

  @Test
  void styledRequestsAreMergedOnlyWhenIdenticalAndKeepTheUnbatchedAnswer() throws Exception {
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      bodies.add(styled(i % 2));
    }
    List<String> answers = together(bodies);
    for (int i = 0; i < 16; i++) {
      assertEquals(predict(TinyModel.server(), bodies.get(i)).body(), answers.get(i), "seed " + i);
    }
  }

  static JsonObject outputs(String body) {
    return JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("outputs");
  }

  static float[] flat(JsonElement e) {
    List<Float> out = new ArrayList<>();
    java.util.ArrayDeque<JsonElement> todo = new java.util.ArrayDeque<>(List.of(e));
    while (!todo.isEmpty()) {
      JsonElement x = todo.pollFirst();
      if (x.isJsonArray()) {
        List<JsonElement> items = x.getAsJsonArray().asList();
        for (int i = items.size() - 1; i >= 0; i--) {
          todo.addFirst(items.get(i));
        }
      } else {
        out.add(x.getAsFloat());
      }
    }
    float[] f = new float[out.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = out.get(i);
    }
    return f;
  }

  @Test
  void refusedRequestsAreRefusedAsUnbatched() throws Exception {
    String bad = "{\"signature_name\":\"generate\",\"inputs\":{\"labels\":[12],\"seed\":1}}";
    HttpResponse<String> alone = predict(TinyModel.server(), bad);
    HttpResponse<String> batched = predict(batching, bad);
    assertEquals(400, batched.statusCode());
    assertEquals(alone.body(), batched.body());
  }
}
