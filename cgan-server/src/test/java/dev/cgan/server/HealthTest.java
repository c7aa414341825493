package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Open Inference Protocol's probes across start, serving and the phases of a stop. */
@Timeout(60)
@ExtendWith(TinyModel.Prepared.class)
class HealthTest {
  private static final String STATUS = "GET /v1/models/cgan HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  @Test
  void liveAndReadyOnceStartedEvenForAnotherHostName() throws Exception {
    int port = TinyModel.server().port();
    RawHttp.Reply live = RawHttp.exchange(port, RawHttp.get("GET", Front.LIVE));
    assertEquals(200, live.status(), live.toString());
    assertEquals("{\"live\":true}", live.text());
    assertEquals("application/json", live.header("Content-Type"));
    RawHttp.Reply ready = RawHttp.exchange(port, RawHttp.get("GET", Front.READY));
    assertEquals(200, ready.status(), ready.toString());
    assertEquals("{\"ready\":true}", ready.text());
    // kubelet names the pod by its address: probes are answered whatever the Host says.
    RawHttp.Reply probe =
        RawHttp.exchange(
            port,
            "GET /v2/health/ready HTTP/1.1\r\nHost: 10.1.2.3:8501\r\nConnection: close\r\n\r\n");
    assertEquals(200, probe.status(), probe.toString());
    RawHttp.Reply head = RawHttp.exchange(port, RawHttp.get("HEAD", Front.READY));
    assertEquals(200, head.status());
    assertEquals(0, head.body().length);
    RawHttp.Reply post = RawHttp.exchange(port, RawHttp.post(Front.LIVE, "{}"));
    RawHttp.assertError(post, 405, "/v2/health/live takes GET or HEAD, not POST");
    assertEquals("GET, HEAD", post.header("Allow"));
  }

  @Test
  void duringTheDrainReadyIs503WhileRequestsAreStillAnswered() throws Exception {
    CganServer server =
        TinyModel.start(
            CganServer.Settings.defaults().withPort(0).withDrainTime(Duration.ofSeconds(3)));
    int port = server.port();
    assertEquals(200, RawHttp.exchange(port, RawHttp.get("GET", Front.READY)).status());
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    RawHttp.Reply ready = RawHttp.exchange(port, RawHttp.get("GET", Front.READY));
    while (ready.status() == 200) {
      ready = RawHttp.exchange(port, RawHttp.get("GET", Front.READY));
    }
    RawHttp.assertError(
        ready, 503, "not ready: the server is stopping (draining the requests in flight)");
    // Still serving: a load balancer that has not yet seen the probe loses no request.
    assertEquals(200, RawHttp.exchange(port, RawHttp.get("GET", "/v1/models/cgan")).status());
    assertEquals(200, RawHttp.exchange(port, RawHttp.get("GET", Front.LIVE)).status());
    assertTrue(!closing.isDone(), "the drain ended before its time");
    closing.get(30, TimeUnit.SECONDS);
    assertRefused(port);
  }

  @Test
  void aRequestOnAKeptAliveConnectionOnceTheStopRefusesIsA503AndTheConnectionCloses()
      throws Exception {
    CganServer server = TinyModel.start(CganServer.Settings.defaults().withPort(0));
    int port = server.port();
    CountDownLatch handling = new CountDownLatch(1);
    try (Socket inFlight = RawHttp.open(port);
        Socket keptAlive = RawHttp.open(port)) {
      // A request whose body is still coming holds the stop in its graceful wait.
      server.onRequest(handling::countDown);
      inFlight
          .getOutputStream()
          .write(
              ("POST /v1/models/cgan:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 80\r\n"
                      + "\r\n{")
                  .getBytes(StandardCharsets.US_ASCII));
      handling.await();
      server.onRequest(() -> {});
      // A keep-alive connection used just now: a stop closes one idle for longer than
      // CganServer.IDLE_AT_STOP, as any server may close an idle connection (clients resend).
      keptAlive.getOutputStream().write(STATUS.getBytes(StandardCharsets.US_ASCII));
      RawHttp.Reply first = RawHttp.read(keptAlive.getInputStream(), false);
      assertEquals(200, first.status());
      assertEquals(null, first.header("Connection"));
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
      // The port closes once the stop refuses new work: from then an open connection gets 503.
      waitUntilRefused(port);
      keptAlive.getOutputStream().write(STATUS.getBytes(StandardCharsets.US_ASCII));
      RawHttp.Reply r = RawHttp.read(keptAlive.getInputStream(), false);
      RawHttp.assertError(r, 503, Front.STOPPING);
      assertEquals("close", r.header("Connection"));
      assertEquals("1", r.header("Retry-After"));
      assertEquals(-1, keptAlive.getInputStream().read(), "the connection closes after the 503");
      inFlight.close();
      closing.get(30, TimeUnit.SECONDS);
    }
  }

  private static void waitUntilRefused(int port) throws InterruptedException {
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        Thread.onSpinWait();
      } catch (IOException refused) {
        return;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private static void assertRefused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      throw new AssertionError("port " + port + " still open");
    } catch (IOException refused) {
      // closed, as it should be
    }
  }
}
