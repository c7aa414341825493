package dev.cgan.server;

import static dev.cgan.server.RawHttp.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that send their bodies a byte at a time hold connections, not the threads that answer
 * everyone else; and a body has a bounded time to arrive.
 */
@ExtendWith(TinyModel.Prepared.class)
class SlowClientsTest {
  private static final int SLOW = 64;
  private static final long BYTE_EVERY_MS = 300;

  /** The most any one request of the other clients may take: generous on a loaded 2-core box. */
  private static final Duration BOUND = Duration.ofSeconds(2);

  private static final String SMALL_PREDICT =
      "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [3], \"seed\": 7}}";

  @Test
  @Timeout(45)
  void sixtyFourSlowBodiesLeaveStatusAndASmallPredictAnswering() throws Exception {
    CganServer server = TinyModel.start(CganServer.Settings.defaults().withPort(0));
    List<Socket> slow = new ArrayList<>();
    ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
    HttpClient client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(BOUND).build();
    try {
      URI base = server.uri();
      long[][] idle = latencies(client, base, 10);

      CountDownLatch handling = new CountDownLatch(SLOW);
      server.onRequest(handling::countDown);
      for (int i = 0; i < SLOW; i++) {
        Socket s = RawHttp.open(server.port());
        boolean chunked = i % 2 == 0;
        String head =
            "POST /v1/models/cgan:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 4096\r\n")
                + "\r\n"
                + (chunked ? "1000\r\n" : "")
                + "{";
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        slow.add(s);
      }
      // One byte to each slow client every BYTE_EVERY_MS, 100 rounds at most (30 s).
      int[] rounds = {0};
      CountDownLatch fed = new CountDownLatch(3);
      feeder.scheduleAtFixedRate(
          () -> {
            if (++rounds[0] > 100) {
              return;
            }
            fed.countDown();
            for (Socket s : slow) {
              try {
                OutputStream out = s.getOutputStream();
                out.write(' ');
                out.flush();
              } catch (IOException closed) {
                // This client's connection is gone; the others go on.
              }
            }
          },
          BYTE_EVERY_MS,
          BYTE_EVERY_MS,
          TimeUnit.MILLISECONDS);
      assertTrue(
          handling.await(10, TimeUnit.SECONDS),
          "only "
              + (SLOW - handling.getCount())
              + " of "
              + SLOW
              + " slow requests reached the handler in 10 s: the threads are held by the others");
      server.onRequest(() -> {});
      // Measure once every slow client has sent a few bytes more, as it goes on doing.
      assertTrue(fed.await(10, TimeUnit.SECONDS), "the slow clients did not send");

      long[][] loaded = latencies(client, base, 10);
      System.out.printf(
          "[SlowClientsTest] status ms, idle: %s; with %d slow bodies connected: %s%n"
              + "[SlowClientsTest] predict (1 image) ms, idle: %s; with %d slow bodies: %s%n",
          Arrays.toString(idle[0]),
          SLOW,
          Arrays.toString(loaded[0]),
          Arrays.toString(idle[1]),
          SLOW,
          Arrays.toString(loaded[1]));

      // The slow clients were connected and unanswered all along.
      for (Socket s : slow) {
        s.setSoTimeout(1);
        try {
          int b = s.getInputStream().read();
          throw new AssertionError("a slow client was answered or dropped early: " + b);
        } catch (SocketTimeoutException stillWaiting) {
          // Connected, its body still coming, no answer yet.
        }
      }
    } finally {
      feeder.shutdownNow();
      for (Socket s : slow) {
        s.close();
      }
      server.close();
    }
  }

  /**
   * {@code n} status requests and {@code n} one-image predicts, one after the other: their
   * latencies in ms, each asserted within {@link #BOUND}.
   */
  static long[][] latencies(HttpClient client, URI base, int n) throws Exception {
    long[][] out = new long[2][n];
    for (int i = 0; i < n; i++) {
      out[0][i] = timed(client, HttpRequest.newBuilder(base.resolve("v1/models/cgan")).GET());
      out[1][i] =
          timed(
              client,
              HttpRequest.newBuilder(base.resolve("v1/models/cgan:predict"))
                  .POST(HttpRequest.BodyPublishers.ofString(SMALL_PREDICT)));
    }
    return out;
  }

  private static long timed(HttpClient client, HttpRequest.Builder request) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r;
    try {
      r = client.send(request.timeout(BOUND).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new AssertionError("no answer within " + BOUND.toMillis() + " ms", e);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(200, r.statusCode(), r.body());
    return ms;
  }

  @Test
  @Timeout(30)
  void aStalledBodyIs408AtTheDeadline() throws Exception {
    try (CganServer server =
            TinyModel.start(
                CganServer.Settings.defaults().withPort(0).withBodyTimeout(Duration.ofSeconds(1)));
        Socket s = RawHttp.open(server.port())) {
      String head =
          "POST /v1/models/cgan:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"in\"\r\n";
      long t0 = System.nanoTime();
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      RawHttp.Reply r = RawHttp.read(s.getInputStream(), false);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertError(
          r, 408, "the request body did not arrive within 1 s (this server's bound); 5 bytes came");
      assertTrue(ms >= 900 && ms < 10_000, ms + " ms");
      assertEquals(-1, s.getInputStream().read(), "the connection is closed after a 408");
    }
  }

  @Test
  @Timeout(30)
  void aBodyTrickledFasterThanTheIdleTimeoutIs408AtTheDeadlineToo() throws Exception {
    try (CganServer server =
            TinyModel.start(
                CganServer.Settings.defaults().withPort(0).withBodyTimeout(Duration.ofSeconds(1)));
        Socket s = RawHttp.open(server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/models/cgan:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread trickle =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 50; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(100);
                  }
                } catch (IOException | InterruptedException answeredOrDone) {
                  // The server answered and closed, or the test is over.
                }
              });
      trickle.start();
      try {
        RawHttp.Reply r = RawHttp.read(s.getInputStream(), false);
        assertEquals(408, r.status(), r.toString());
        assertTrue(
            r.text()
                .startsWith(
                    "{\"error\":\"the request body did not arrive within 1 s (this server's"
                        + " bound); "),
            r.text());
      } finally {
        trickle.interrupt();
        trickle.join(5000);
      }
    }
  }

  @Test
  @Timeout(30)
  void aStillSendingClientGetsThe413() throws Exception {
    try (Socket s = RawHttp.open(TinyModel.server().port())) {
      s.getOutputStream()
          .write(
              ("POST /v1/models/cgan:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Transfer-Encoding: chunked\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk =
          ("10000\r\n" + " ".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 17; i++) {
        s.getOutputStream().write(chunk);
      }
      s.getOutputStream().write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      assertError(
          RawHttp.read(in, false),
          413,
          "request body is more than this server's bound of 1048576 bytes");
    }
  }
}
