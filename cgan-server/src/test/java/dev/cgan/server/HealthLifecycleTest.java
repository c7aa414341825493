package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.model.Weights;
import dev.cgan.serve.SavedModelExport;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probes through one server's whole life: started with no version (live, not ready), a version
 * loaded (ready), a new version rolled in under load with batching on (ready throughout, no failed
 * request), then a stop with a drain (not ready, still live and answering), then the port closed.
 */
@Timeout(180)
@ExtendWith(TinyModel.Prepared.class)
class HealthLifecycleTest {
  @TempDir Path tmp;

  @Test
  void probesAcrossStartLoadReloadUnderLoadAndShutdown() throws Exception {
    Path run = TinyModel.savedModel().getParent();
    Path raw = SavedModelExport.export(run, tmp.resolve("raw"), Weights.RAW);
    Path ema = SavedModelExport.export(run, tmp.resolve("ema"), Weights.EMA);
    Path base = Files.createDirectory(tmp.resolve("base"));
    CganServer s =
        CganServer.start(
            ModelBasePath.of(base).withPoll(Duration.ofMillis(50)),
            CganServer.Settings.defaults()
                .withPort(0)
                .withThreads(24)
                .withBatching(16, 0)
                .withDrainTime(Duration.ofSeconds(2)));
    int port = s.port();
    CompletableFuture<Void> closing = null;
    try {
      // Started, nothing to serve yet.
      assertEquals(200, probe(port, Front.LIVE).status());
      RawHttp.Reply notYet = probe(port, Front.READY);
      assertEquals(503, notYet.status(), notYet.toString());
      assertTrue(notYet.text().startsWith("{\"error\":\"not ready"), notYet.text());

      VersionsTest.publish(raw, base, 1);
      awaitReady(port);
      assertEquals(200, probe(port, Front.LIVE).status());

      // Version 2 rolls in while four clients predict and a fifth probes readiness.
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger predicts = new AtomicInteger();
      AtomicInteger probes = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(5);
      // Every client has had an answer before version 2 is written (a client thread started late
      // on a loaded machine would see none of the switch).
      CountDownLatch answering = new CountDownLatch(5);
      try {
        List<Future<?>> load = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
          load.add(
              pool.submit(
                  () -> {
                    boolean answered = false;
                    while (!stop.get()) {
                      var r = VersionsTest.predict(s, "v1/models/cgan:predict");
                      if (r.statusCode() != 200) {
                        failures.add("predict " + r.statusCode() + " " + r.body());
                      }
                      predicts.incrementAndGet();
                      if (!answered) {
                        answered = true;
                        answering.countDown();
                      }
                    }
                    return null;
                  }));
        }
        load.add(
            pool.submit(
                () -> {
                  boolean answered = false;
                  while (!stop.get()) {
                    RawHttp.Reply r = probe(port, Front.READY);
                    if (r.status() != 200) {
                      failures.add("ready " + r);
                    }
                    probes.incrementAndGet();
                    if (!answered) {
                      answered = true;
                      answering.countDown();
                    }
                  }
                  return null;
                }));
        VersionsTest.awaitAnswering(answering, load);
        VersionsTest.publish(ema, base, 2);
        VersionsTest.awaitStates(
            s,
            st ->
                "AVAILABLE".equals(VersionsTest.state(st, 2))
                    && "END".equals(VersionsTest.state(st, 1)));
        stop.set(true);
        for (Future<?> f : load) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(List.of(), List.copyOf(failures));
      assertTrue(predicts.get() > 0 && probes.get() > 0, predicts + " predicts, " + probes);

      // The stop: not ready from its first moment, still live and answering during the drain.
      closing = CompletableFuture.runAsync(s::close);
      RawHttp.Reply ready = probe(port, Front.READY);
      while (ready.status() == 200) {
        ready = probe(port, Front.READY);
      }
      RawHttp.assertError(
          ready, 503, "not ready: the server is stopping (draining the requests in flight)");
      assertEquals(200, probe(port, Front.LIVE).status());
      assertEquals(200, VersionsTest.predict(s, "v1/models/cgan:predict").statusCode());
      assertFalse(closing.isDone(), "the drain ended before its time");
      closing.get(60, TimeUnit.SECONDS);
      try (Socket refused = new Socket("127.0.0.1", port)) {
        throw new AssertionError("port " + port + " still open after the stop");
      } catch (IOException expected) {
        // closed
      }
    } finally {
      if (closing == null) {
        s.close();
      }
    }
  }

  private static RawHttp.Reply probe(int port, String path) throws IOException {
    return RawHttp.exchange(port, RawHttp.get("GET", path));
  }

  /** Probes until ready; the status endpoint says why not if it never gets there. */
  private static void awaitReady(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    RawHttp.Reply r = probe(port, Front.READY);
    while (r.status() != 200) {
      assertTrue(System.nanoTime() < deadline, "never ready: " + r);
      Thread.sleep(10);
      r = probe(port, Front.READY);
    }
  }
}
