package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serves small IDX files from a local HTTP server; the real mirrors are never contacted. */
class MnistDownloaderTest {
  private static final String IMAGES = "train-images-idx3-ubyte.gz";
  private static final String LABELS = "train-labels-idx1-ubyte.gz";

  /**
   * The read timeout of the tests of stalled and slow bodies: what a stall must exceed, and what a
   * mirror that answers must beat even on a loaded machine.
   */
  private static final Duration STALL = Duration.ofSeconds(1);

  /** The slow body's pieces, and the gap before each: a tenth of {@link #STALL}. */
  private static final int SLOW_PIECES = 24;

  private static final Duration SLOW_GAP = STALL.dividedBy(10);

  @TempDir Path cache;

  private HttpServer server;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final java.util.concurrent.CountDownLatch stallReleased =
      new java.util.concurrent.CountDownLatch(1);
  private final byte[] images =
      IdxWriter.encodeUbyte(pattern(6 * 4 * 4), new int[] {6, 4, 4}, true);
  private final byte[] labels =
      IdxWriter.encodeUbyte(new byte[] {0, 1, 2, 0, 1, 2}, new int[] {6}, true);

  /** The fake files and their hashes, in place of the real MNIST ones. */
  private final Map<String, String> hashes = new LinkedHashMap<>();

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 13);
    }
    return b;
  }

  @BeforeEach
  void start() throws IOException {
    hashes.put(IMAGES, Sha256.of(images));
    hashes.put(LABELS, Sha256.of(labels));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/missing/", ex -> respond(ex, 404, new byte[0]));
    server.createContext(
        "/good/",
        ex -> {
          String name = ex.getRequestURI().getPath().substring("/good/".length());
          byte[] body = name.equals(IMAGES) ? images : name.equals(LABELS) ? labels : null;
          if (body == null) {
            respond(ex, 404, new byte[0]);
          } else {
            respond(ex, 200, body);
          }
        });
    server.createContext(
        "/redirect/",
        ex -> {
          String name = ex.getRequestURI().getPath().substring("/redirect/".length());
          ex.getResponseHeaders().add("Location", "/good/" + name);
          respond(ex, 302, new byte[0]);
        });
    server.createContext("/wrong/", ex -> respond(ex, 200, labels));
    server.createContext(
        "/stall/",
        ex -> {
          count(ex);
          ex.sendResponseHeaders(200, images.length);
          OutputStream out = ex.getResponseBody();
          out.write(images, 0, 10);
          out.flush();
          // Silent until the test is over: a client that gets its file did not wait for this one.
          try {
            stallReleased.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    server.createContext(
        "/slow/",
        ex -> {
          // SLOW_PIECES pieces SLOW_GAP apart: slower in total than the read timeout, but never
          // idle for more than a tenth of it (a loaded machine may delay a piece several times
          // over).
          count(ex);
          ex.sendResponseHeaders(200, images.length);
          try (OutputStream out = ex.getResponseBody()) {
            int piece = (images.length + SLOW_PIECES - 1) / SLOW_PIECES;
            for (int off = 0; off < images.length; off += piece) {
              sleep(SLOW_GAP.toMillis());
              out.write(images, off, Math.min(piece, images.length - off));
              out.flush();
            }
          }
        });
    server.createContext(
        "/huge/",
        ex -> {
          count(ex);
          ex.sendResponseHeaders(200, 0); // chunked, no length announced
          try (OutputStream out = ex.getResponseBody()) {
            byte[] chunk = new byte[1 << 16];
            for (int i = 0; i < 64; i++) {
              out.write(chunk);
            }
          } catch (IOException expected) {
            // The client hangs up once over the limit.
          }
        });
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "test-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  @AfterEach
  void stop() {
    stallReleased.countDown();
    server.stop(0);
  }

  private void respond(HttpExchange ex, int status, byte[] body) throws IOException {
    count(ex);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void count(HttpExchange ex) {
    hits.computeIfAbsent(ex.getRequestURI().getPath(), k -> new AtomicInteger()).incrementAndGet();
  }

  private int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  private String base(String context) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + context + "/";
  }

  private MnistDownloader.Builder downloader(String... contexts) {
    String[] urls = Stream.of(contexts).map(this::base).toArray(String[]::new);
    return MnistDownloader.builder()
        .cacheDir(cache)
        .baseUrls(urls)
        .files(hashes)
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(2));
  }

  private List<String> cacheListing() throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void secondMirrorServesWhenFirstSays404() throws IOException {
    List<long[]> reports = Collections.synchronizedList(new ArrayList<>());
    Path dir =
        downloader("missing", "good")
            .progress((name, n, total) -> reports.add(new long[] {n, total}))
            .build()
            .downloadAll();

    assertEquals(cache, dir);
    assertEquals(List.of(IMAGES, LABELS), cacheListing());
    assertArrayEquals(images, Files.readAllBytes(cache.resolve(IMAGES)));
    assertEquals(1, hits("/missing/" + IMAGES));
    assertEquals(1, hits("/good/" + IMAGES));
    long[] last = reports.get(reports.size() - 1);
    assertArrayEquals(new long[] {labels.length, labels.length}, last);

    LabeledImages set = LabeledImages.fromDirectory(dir);
    assertEquals(6, set.count());
    assertEquals(3, set.numClasses());
  }

  @Test
  void followsRedirects() throws IOException {
    Path file = downloader("redirect").build().download(LABELS);
    assertArrayEquals(labels, Files.readAllBytes(file));
    assertEquals(1, hits("/good/" + LABELS));
  }

  @Test
  void cachedValidFileIsNotDownloadedAgain() throws IOException {
    downloader("good").build().downloadAll();
    List<long[]> reports = new ArrayList<>();
    downloader("good")
        .progress((name, n, total) -> reports.add(new long[] {n, total}))
        .build()
        .downloadAll();
    assertEquals(1, hits("/good/" + IMAGES));
    assertEquals(1, hits("/good/" + LABELS));
    assertEquals(2, reports.size(), "one report per cached file");
    assertArrayEquals(new long[] {images.length, images.length}, reports.get(0));
  }

  @Test
  void corruptCachedFileIsReplaced() throws IOException {
    Files.write(cache.resolve(IMAGES), new byte[] {1, 2, 3});
    downloader("good").build().download(IMAGES);
    assertArrayEquals(images, Files.readAllBytes(cache.resolve(IMAGES)));
    assertEquals(1, hits("/good/" + IMAGES));
  }

  @Test
  void corruptCachedFileIsRemovedEvenIfNoMirrorHelps() throws IOException {
    Files.write(cache.resolve(IMAGES), new byte[] {1, 2, 3});
    DownloadException e =
        assertThrows(DownloadException.class, () -> downloader("missing").build().download(IMAGES));
    assertTrue(
        e.getMessage()
            .contains(
                "cached file had SHA-256"
                    + " 039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81"),
        e.getMessage());
    assertEquals(List.of(), cacheListing());
  }

  @Test
  void wrongHashIsRefusedAndNothingIsLeft() throws IOException {
    DownloadException e =
        assertThrows(DownloadException.class, () -> downloader("wrong").build().download(IMAGES));
    String url = base("wrong") + IMAGES;
    assertEquals(
        "could not download "
            + IMAGES
            + " into "
            + cache
            + ": "
            + url
            + ": SHA-256 mismatch: expected "
            + hashes.get(IMAGES)
            + ", found "
            + hashes.get(LABELS)
            + " ("
            + labels.length
            + " bytes)",
        e.getMessage());
    assertEquals(IMAGES, e.fileName());
    assertEquals(URI.create(url), e.attempts().get(0).url());
    assertEquals(List.of(), cacheListing());
  }

  @Test
  void truncatedBodyIsRefusedAndNothingIsLeft() throws Exception {
    // The JDK server will not drop a connection mid-body, so a bare socket plays the server:
    // it announces the full length, sends half, and closes.
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                try (Socket s = raw.accept()) {
                  readRequestHead(s.getInputStream());
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Length: " + images.length + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.write(images, 0, images.length / 2);
                  out.flush();
                } catch (IOException ignored) {
                  // The test fails on its own assertions if the exchange went wrong.
                }
              },
              "truncating-server");
      t.setDaemon(true);
      t.start();
      String url = "http://127.0.0.1:" + raw.getLocalPort() + "/";
      DownloadException e =
          assertThrows(
              DownloadException.class,
              () ->
                  MnistDownloader.builder()
                      .cacheDir(cache)
                      .files(hashes)
                      .baseUrls(url)
                      .build()
                      .download(IMAGES));
      assertEquals(1, e.attempts().size());
      String reason = e.attempts().get(0).reason();
      assertTrue(
          reason.startsWith(
              "truncated body: received " + images.length / 2 + " of " + images.length + " bytes"),
          reason);
      assertEquals(List.of(), cacheListing());
      t.join(2000);
    }
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b; matched < 4 && (b = in.read()) != -1; ) {
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Test
  void stalledBodyIsAbandonedAndNextMirrorTried() throws IOException {
    Path file = downloader("stall", "good").readTimeout(STALL).build().download(IMAGES);
    assertArrayEquals(images, Files.readAllBytes(file));
    assertEquals(1, hits("/stall/" + IMAGES));

    Files.delete(file);
    DownloadException e =
        assertThrows(
            DownloadException.class,
            () -> downloader("stall").readTimeout(STALL).build().download(IMAGES));
    assertEquals("no data for 1 s after 10 bytes", e.attempts().get(0).reason());
    assertEquals(List.of(), cacheListing());
  }

  @Test
  void slowButSteadyBodyIsNotCutOff() throws IOException {
    assertTrue(
        SLOW_GAP.multipliedBy(SLOW_PIECES).compareTo(STALL.multipliedBy(2)) > 0
            && images.length >= SLOW_PIECES,
        "the slow body takes twice the read timeout");
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    Path file =
        downloader("slow")
            .readTimeout(STALL)
            .progress((name, n, total) -> seen.add(n))
            .build()
            .download(IMAGES);
    assertArrayEquals(images, Files.readAllBytes(file));
    assertTrue(seen.size() >= 3, "progress reported while bytes arrived: " + seen);
    assertEquals(images.length, seen.get(seen.size() - 1));
  }

  @Test
  void oversizedBodyIsRefused() throws IOException {
    DownloadException e =
        assertThrows(
            DownloadException.class,
            () -> downloader("huge").maxFileBytes(1 << 20).build().download(IMAGES));
    assertEquals("body larger than 1048576 bytes, not an MNIST file", e.attempts().get(0).reason());
    assertEquals(List.of(), cacheListing());
  }

  @Test
  void connectionRefusedNamesEveryUrlTried() throws IOException {
    // A port bound and not listening stays refused for as long as it is held; a free port found
    // and closed could be taken by another process meanwhile.
    try (Socket holder = new Socket()) {
      holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      connectionRefusedNamesEveryUrlTried(holder.getLocalPort());
    }
  }

  private void connectionRefusedNamesEveryUrlTried(int deadPort) throws IOException {
    String dead = "http://127.0.0.1:" + deadPort + "/mnist/";
    DownloadException e =
        assertThrows(
            DownloadException.class,
            () ->
                MnistDownloader.builder()
                    .cacheDir(cache)
                    .files(hashes)
                    .baseUrls(dead, base("missing"))
                    .connectTimeout(Duration.ofSeconds(2))
                    .build()
                    .download(LABELS));
    assertEquals(2, e.attempts().size());
    assertEquals(URI.create(dead + LABELS), e.attempts().get(0).url());
    assertEquals(
        "connection failed: 127.0.0.1:" + deadPort + " refused or unreachable",
        e.attempts().get(0).reason());
    assertEquals("HTTP 404", e.attempts().get(1).reason());
    assertTrue(e.getMessage().contains(dead + LABELS + ": connection failed: "), e.getMessage());
    assertTrue(e.getMessage().endsWith(base("missing") + LABELS + ": HTTP 404"), e.getMessage());
    assertEquals(List.of(), cacheListing());
  }

  @Test
  void defaultsAndValidation() {
    assertEquals(
        List.of(
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz"),
        List.copyOf(MnistDownloader.MNIST_FILES.keySet()));
    assertEquals(
        Path.of("/x/cache/mnist"), MnistDownloader.defaultCacheDir("/x/cache", "/home/me"));
    assertEquals(
        Path.of("/home/me/.cache/cgan-java/mnist"),
        MnistDownloader.defaultCacheDir(" ", "/home/me"));
    assertEquals(
        Path.of("/home/me/.cache/cgan-java/mnist"),
        MnistDownloader.defaultCacheDir(null, "/home/me"));
    MnistDownloader d =
        MnistDownloader.builder().cacheDir(cache).baseUrls("https://example.org/mnist").build();
    assertEquals(List.of(URI.create("https://example.org/mnist/")), d.baseUrls());
    assertEquals(
        MnistDownloader.DEFAULT_BASE_URLS,
        MnistDownloader.builder().cacheDir(cache).build().baseUrls());
    assertThrows(
        IllegalArgumentException.class, () -> MnistDownloader.builder().baseUrls("ftp://x/"));
    assertThrows(
        IllegalArgumentException.class,
        () -> MnistDownloader.builder().files(Map.of("../x", hashes.get(IMAGES))));
    assertThrows(
        IllegalArgumentException.class, () -> MnistDownloader.builder().files(Map.of("x", "abc")));
    assertThrows(IllegalArgumentException.class, () -> d.download("other.gz"));
  }
}
