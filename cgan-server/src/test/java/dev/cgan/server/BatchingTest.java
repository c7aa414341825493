package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --batching}: identical concurrent predicts share one generator call, and every answer,
 * merged or not, is bit for bit the answer of the server without batching.
 */
class BatchingTest {
  static CganServer batching;

  @BeforeAll
  static void start() {
    // A batch fills at 16 requests of 2 items; the first waits up to a second for them.
    batching =
        TinyModel.start(
            CganServer.Settings.defaults().withPort(0).withThreads(24).withBatching(32, 1_000_000));
  }

  @AfterAll
  static void stop() {
    batching.close();
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

  @Test
  void identicalRequestsShareOneCallAndGetTheUnbatchedAnswer() throws Exception {
    String alone = predict(TinyModel.server(), body(7)).body();
    long[] before = runsAndRequests();
    List<String> answers = together(java.util.Collections.nCopies(16, body(7)));
    long[] after = runsAndRequests();
    answers.forEach(a -> assertEquals(alone, a));
    long runs = after[0] - before[0];
    assertEquals(16, after[1] - before[1]);
    assertTrue(runs < 16, "16 identical requests took " + runs + " runs");
  }

  @Test
  void differentRequestsAreNotMergedAndEachGetsItsOwnAnswer() throws Exception {
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      bodies.add(body(i % 4));
    }
    List<String> answers = together(bodies);
    for (int i = 0; i < 16; i++) {
      assertEquals(predict(TinyModel.server(), bodies.get(i)).body(), answers.get(i), "seed " + i);
    }
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
