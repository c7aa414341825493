package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Expensive requests run a few at a time; the rest are refused at once with 503 and Retry-After, so
 * status and small predicts stay fast while clients hammer the largest GIF.
 */
@ExtendWith(TinyModel.Prepared.class)
class ExpensiveRequestsTest {
  private static final int HAMMERS = 24;

  /** The largest GIF the default bounds allow: 10 digits × 60 frames = 600 of 640 tiles. */
  private static final String BIGGEST_GIF =
      "v1/models/cgan:interpolate?digits=0123456789&seeds=1,2&steps=60";

  private static final String BUSY =
      "the server is busy: its 2 slots for expensive requests (GIFs, more than 16 images) are"
          + " taken; a GIF of 60 frames was not started; retry in 1 s";

  @Test
  @Timeout(60)
  void statusAndSmallPredictsStayFastWhileClientsHammerTheBiggestGif() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(HAMMERS);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<HttpResponse<byte[]>> busy = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<HttpResponse<byte[]>> other = new ConcurrentLinkedQueue<>();
    CountDownLatch firstRefusal = new CountDownLatch(1);
    try (CganServer server =
        TinyModel.start(CganServer.Settings.defaults().withPort(0).withExpensiveSlots(2))) {
      URI base = server.uri();
      List<Future<?>> hammers = new ArrayList<>();
      for (int i = 0; i < HAMMERS; i++) {
        hammers.add(
            pool.submit(
                () -> {
                  // Each client asks again at once after a GIF, 20 ms after a refusal; 200
                  // requests or the end of the test, whichever comes first.
                  for (int k = 0; k < 200 && !stop.get(); k++) {
                    HttpResponse<byte[]> r =
                        client.send(
                            HttpRequest.newBuilder(base.resolve(BIGGEST_GIF))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() == 503) {
                      busy.add(r);
                      firstRefusal.countDown();
                      Thread.sleep(20);
                    } else {
                      other.add(r);
                    }
                  }
                  return null;
                }));
      }
      assertTrue(firstRefusal.await(20, TimeUnit.SECONDS), "no request was refused with 503");
      long[][] loaded = SlowClientsTest.latencies(client, base, 20);
      stop.set(true);
      for (Future<?> f : hammers) {
        f.get(30, TimeUnit.SECONDS);
      }
      System.out.printf(
          "[ExpensiveRequestsTest] with %d clients hammering the biggest GIF (2 slots): status ms"
              + " %s; predict (1 image) ms %s; GIFs served %d, refused with 503 %d%n",
          HAMMERS,
          Arrays.toString(loaded[0]),
          Arrays.toString(loaded[1]),
          other.size(),
          busy.size());
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertTrue(other.size() > 0, "no GIF was served");
    for (HttpResponse<byte[]> r : other) {
      assertEquals(200, r.statusCode(), new String(r.body()));
      assertEquals("image/gif", r.headers().firstValue("Content-Type").orElse(""));
    }
    for (HttpResponse<byte[]> r : busy) {
      assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
      assertEquals(Json.error(BUSY), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void moreThanSixteenImagesTakeASlotAndSixteenDoNot() {
    Expensive expensive = new Expensive(1);
    String inside =
        expensive.inSlot(
            "a GIF",
            () -> {
              HttpError e =
                  assertThrows(
                      HttpError.class, () -> expensive.run("a strip of 17 digits", 17, () -> "x"));
              assertEquals(503, e.status);
              assertEquals(1, e.retryAfterSeconds);
              assertTrue(e.getMessage().contains("a strip of 17 digits was not started"));
              return expensive.run("a strip of 16 digits", 16, () -> "cheap");
            });
    assertEquals("cheap", inside);
    assertEquals("free again", expensive.run("a predict of 256 items", 256, () -> "free again"));
  }
}
