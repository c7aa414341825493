package dev.cgan.server;

import dev.cgan.serve.CganGenerator;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An HTTP server for one generator: TensorFlow Serving's REST API (model status, metadata, predict
 * for every signature), a PNG strip and a GIF interpolation per GET, and a web page at {@code /}.
 * On Jetty 12 (its core API, no servlets).
 *
 * <pre>{@code
 * try (CganGenerator g = CganGenerator.load(Path.of("run/saved_model"));
 *     CganServer server = CganServer.start(g, CganServer.Settings.defaults())) {
 *   System.out.println("serving at " + server.uri());
 *   server.join();
 * }
 * }</pre>
 *
 * <p>Every request shares the one generator (it is thread-safe). The server writes nothing to disk.
 * {@link #close} is graceful: the port closes at once, requests in flight finish (up to {@link
 * Settings#stopTimeout}), then the threads end; the generator stays the caller's to close.
 */
public final class CganServer implements AutoCloseable {
  /** The version the model is served as: {@code /v1/models/NAME/versions/1}. */
  public static final long VERSION = 1;

  /**
   * The SLF4J logger of the versions of a {@link ModelBasePath}: one line per version loaded
   * (INFO), unloaded (INFO), incomplete or failing to load (WARN).
   */
  public static final String VERSIONS_LOGGER = ModelVersions.LOGGER;

  /** How long a connection without a request in flight stays open once a stop has begun. */
  static final Duration IDLE_AT_STOP = Duration.ofSeconds(1);

  /** The longest {@link Settings#drainTime}. */
  public static final Duration MAX_DRAIN = Duration.ofMinutes(5);

  /**
   * Where to listen, the server's bounds, and which Host names it answers.
   *
   * @param host the address to bind, e.g. 127.0.0.1 (loopback only) or 0.0.0.0
   * @param port the port; 0 picks a free one (see {@link #port()})
   * @param model the model name in {@code /v1/models/NAME}
   * @param maxBodyBytes the largest request body; beyond it 413
   * @param maxBatch the most items per predict request; beyond it 400
   * @param maxDigits the most digits per render or interpolation; beyond it 400
   * @param maxFrames the most frames per interpolation; beyond it 400
   * @param maxTiles the most tiles (digits × frames) per interpolation; beyond it 400
   * @param threads the request threads (requests beyond them wait in Jetty's queue)
   * @param stopTimeout how long {@link #close} waits for requests in flight
   * @param allowedHosts Host names answered besides the loopback ones (localhost, 127.x.x.x, [::1],
   *     any port): names or addresses without a port, IPv6 in brackets, or {@code *} for any.
   *     Empty: only loopback names when {@code host} is a loopback address, any name otherwise. A
   *     refused name gets 403 (a page on another site reaching a loopback server through DNS
   *     rebinding is refused so).
   * @param expensiveSlots how many expensive requests (every GIF, strips and predicts of more than
   *     16 images) run at once; one more gets 503 with {@code Retry-After} at once
   * @param bodyTimeout the longest a request body may take to arrive; beyond it 408
   * @param drainTime how long {@link #close} keeps serving with {@code /v2/health/ready} answering
   *     503 before it closes the port, so that a load balancer or Kubernetes takes the instance out
   *     of rotation first; 0 (the default) closes the port at once
   * @param metrics whether {@code /monitoring/prometheus/metrics} answers (Prometheus text format)
   * @param accessLog whether each request is logged, one line, to the SLF4J logger {@value
   *     AccessLog#LOGGER} at INFO
   * @param batching whether concurrent predicts of one version share generator calls (TF Serving's
   *     {@code enable_batching}, limited to what keeps each answer independent of the others: see
   *     {@link #withBatching})
   * @param maxBatchSize the rows of every merged run ({@code max_batch_size}, and the one {@code
   *     allowed_batch_sizes}), 1 to 1024
   * @param batchTimeoutMicros how long the first request of a batch waits for others, in
   *     microseconds ({@code batch_timeout_micros})
   */
  public record Settings(
      String host,
      int port,
      String model,
      long maxBodyBytes,
      int maxBatch,
      int maxDigits,
      int maxFrames,
      int maxTiles,
      int threads,
      Duration stopTimeout,
      List<String> allowedHosts,
      int expensiveSlots,
      Duration bodyTimeout,
      Duration drainTime,
      boolean metrics,
      boolean accessLog,
      boolean batching,
      int maxBatchSize,
      long batchTimeoutMicros) {
    public Settings {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
      }
      if (model == null || !model.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException(
            "model name must be letters, digits, '_', '.' or '-', got '" + model + "'");
      }
      if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "maxBodyBytes must be 1 to " + (Integer.MAX_VALUE - 8) + ", got " + maxBodyBytes);
      }
      if (threads < 2) {
        throw new IllegalArgumentException("threads must be at least 2, got " + threads);
      }
      allowedHosts = List.copyOf(allowedHosts);
      allowedHosts.forEach(BrowserSafety::checkAllowedHost);
      if (expensiveSlots < 1) {
        throw new IllegalArgumentException(
            "expensiveSlots must be at least 1, got " + expensiveSlots);
      }
      if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
        throw new IllegalArgumentException("bodyTimeout must be positive, got " + bodyTimeout);
      }
      if (drainTime.isNegative() || drainTime.compareTo(MAX_DRAIN) > 0) {
        throw new IllegalArgumentException(
            "drainTime must be 0 to " + MAX_DRAIN.toSeconds() + " s, got " + drainTime);
      }
      new Batcher.Parameters(maxBatchSize, batchTimeoutMicros);
    }

    /**
     * 127.0.0.1:8501, model {@code cgan}; bodies up to 1 MiB arriving within 30 s, 256 items per
     * predict, 64 digits per strip, 60 frames and 640 tiles per interpolation, 16 threads, 30 s to
     * finish on close; loopback Host names only; expensive requests two at a time (or half the
     * processors, when more); no drain time; metrics on; no access log; no batching (when on: runs
     * of 16 rows, no wait).
     */
    public static Settings defaults() {
      return new Settings(
          "127.0.0.1",
          8501,
          "cgan",
          1 << 20,
          256,
          64,
          60,
          640,
          16,
          Duration.ofSeconds(30),
          List.of(),
          Math.max(2, Runtime.getRuntime().availableProcessors() / 2),
          Duration.ofSeconds(30),
          Duration.ZERO,
          true,
          false,
          false,
          16,
          0);
    }

    /**
     * Listens on {@code h}: an address of this machine, a name that resolves to one, or 0.0.0.0 for
     * all of them.
     *
     * @throws IllegalArgumentException starting "host H", for a dotted quad with a part beyond 255,
     *     a name that does not resolve or another machine's address, which would otherwise fail
     *     only when the port is bound, as a Java exception's name
     */
    public Settings withHost(String h) {
      return edit(b -> b.host = checkedHost(h));
    }

    private static String checkedHost(String host) {
      if (host.matches("[0-9.]+")) {
        String[] parts = host.split("\\.", -1);
        boolean quad = parts.length == 4;
        for (String p : parts) {
          quad &= !p.isEmpty() && p.length() <= 3 && Integer.parseInt(p) <= 255;
        }
        if (!quad) {
          throw new IllegalArgumentException(
              "host " + host + " is not an IPv4 address (four numbers from 0 to 255)");
        }
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "host " + host + " is not a host name this machine can resolve");
      }
      try {
        if (!address.isAnyLocalAddress() && NetworkInterface.getByInetAddress(address) == null) {
          throw new IllegalArgumentException(
              "host "
                  + host
                  + " ("
                  + address.getHostAddress()
                  + ") is not an address of this machine; 0.0.0.0 listens on all of them");
        }
      } catch (SocketException e) {
        // The interfaces cannot be listed: let the bind itself say whether it works.
      }
      return host;
    }

    public Settings withPort(int p) {
      return edit(b -> b.port = p);
    }

    public Settings withModel(String m) {
      return edit(b -> b.model = m);
    }

    public Settings withThreads(int t) {
      return edit(b -> b.threads = t);
    }

    public Settings withAllowedHosts(List<String> hosts) {
      return edit(b -> b.allowedHosts = hosts);
    }

    public Settings withExpensiveSlots(int slots) {
      return edit(b -> b.expensiveSlots = slots);
    }

    public Settings withDrainTime(Duration drain) {
      return edit(b -> b.drainTime = drain);
    }

    public Settings withMetrics(boolean on) {
      return edit(b -> b.metrics = on);
    }

    public Settings withAccessLog(boolean on) {
      return edit(b -> b.accessLog = on);
    }

    /**
     * Batching on: the rows of concurrent {@code generate}, {@code serving_default} and {@code
     * generate_mixed} predicts of one version run together through {@code generate_mixed}, padded
     * to exactly {@code maxBatchSize} rows, the first request waiting up to {@code timeoutMicros}
     * for others; concurrent {@code generate_styled} predicts share a call when their inputs are
     * equal bit for bit. Each answer is what the same request gets alone from a batching server,
     * bit for bit, which each version checks when it loads (a row's bits must not depend on its
     * position in a run of that size on this machine). It may differ in the last bits from the
     * answer without batching, which runs at the request's own batch size.
     */
    public Settings withBatching(int maxBatchSize, long timeoutMicros) {
      return edit(
          b -> {
            b.batching = true;
            b.maxBatchSize = maxBatchSize;
            b.batchTimeoutMicros = timeoutMicros;
          });
    }

    public Settings withBodyTimeout(Duration timeout) {
      return edit(b -> b.bodyTimeout = timeout);
    }

    private Settings edit(Consumer<Builder> change) {
      Builder b = new Builder(this);
      change.accept(b);
      return b.build();
    }

    /** A mutable copy: each with-method changes one field, and the record checks them all. */
    private static final class Builder {
      String host;
      int port;
      String model;
      long maxBodyBytes;
      int maxBatch;
      int maxDigits;
      int maxFrames;
      int maxTiles;
      int threads;
      Duration stopTimeout;
      List<String> allowedHosts;
      int expensiveSlots;
      Duration bodyTimeout;
      Duration drainTime;
      boolean metrics;
      boolean accessLog;
      boolean batching;
      int maxBatchSize;
      long batchTimeoutMicros;

      Builder(Settings s) {
        host = s.host;
        port = s.port;
        model = s.model;
        maxBodyBytes = s.maxBodyBytes;
        maxBatch = s.maxBatch;
        maxDigits = s.maxDigits;
        maxFrames = s.maxFrames;
        maxTiles = s.maxTiles;
        threads = s.threads;
        stopTimeout = s.stopTimeout;
        allowedHosts = s.allowedHosts;
        expensiveSlots = s.expensiveSlots;
        bodyTimeout = s.bodyTimeout;
        drainTime = s.drainTime;
        metrics = s.metrics;
        accessLog = s.accessLog;
        batching = s.batching;
        maxBatchSize = s.maxBatchSize;
        batchTimeoutMicros = s.batchTimeoutMicros;
      }

      Settings build() {
        return new Settings(
            host,
            port,
            model,
            maxBodyBytes,
            maxBatch,
            maxDigits,
            maxFrames,
            maxTiles,
            threads,
            stopTimeout,
            allowedHosts,
            expensiveSlots,
            bodyTimeout,
            drainTime,
            metrics,
            accessLog,
            batching,
            maxBatchSize,
            batchTimeoutMicros);
      }
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final Versions versions;
  private final ModelVersions modelVersions;
  private final Health health;
  private final GracefulHandler graceful;
  private final Duration drainTime;
  private final Duration stopTimeout;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final AtomicBoolean stopping = new AtomicBoolean();

  private CganServer(
      Server server,
      ServerConnector connector,
      Versions versions,
      ModelVersions modelVersions,
      Health health,
      GracefulHandler graceful,
      Settings settings) {
    this.server = server;
    this.connector = connector;
    this.versions = versions;
    this.modelVersions = modelVersions;
    this.health = health;
    this.graceful = graceful;
    this.drainTime = settings.drainTime();
    this.stopTimeout = settings.stopTimeout();
  }

  /**
   * Starts serving {@code generator}; returns once the port is open. The generator first answers
   * one warm-up request (one image): a model that loads but cannot generate is not served.
   *
   * @throws ModelUnavailableException when the warm-up request fails, with TensorFlow's reason
   * @throws IOException naming the address when it cannot be bound (in use, not an address of this
   *     machine)
   */
  public static CganServer start(CganGenerator generator, Settings settings) throws IOException {
    warmUp(generator);
    return start(
        settings, routes -> ModelVersions.fixed(settings.model(), VERSION, generator, routes));
  }

  /**
   * Starts serving the numbered versions of {@code base} (TensorFlow Serving's layout): those its
   * policy asks for are loaded and warmed up first; a folder that cannot load is reported in the
   * model status and the log ({@value ModelVersions#LOGGER}) and does not stop the start, which may
   * then have no version AVAILABLE ({@code /v2/health/ready} says why). Then the folder is read
   * every poll interval: a new version is loaded and warmed up before it takes traffic, the one it
   * replaces (or whose folder is gone) is closed once its requests in flight have finished. The
   * server closes every version it loaded.
   *
   * @throws IOException when the base folder is not a folder, or the address cannot be bound
   */
  public static CganServer start(ModelBasePath base, Settings settings) throws IOException {
    return start(settings, routes -> ModelVersions.watching(settings.model(), base, routes));
  }

  /** Makes the versions, given how each version's routes are made. */
  private interface VersionSource {
    ModelVersions open(BiFunction<Long, CganGenerator, Handler> routes) throws IOException;
  }

  private static CganServer start(Settings settings, VersionSource source) throws IOException {
    QueuedThreadPool pool =
        new QueuedThreadPool(settings.threads(), Math.min(4, settings.threads()));
    pool.setName("cgan-http");
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    Routes.InFlight inFlight = new Routes.InFlight();
    Connector connector = new Connector(server, http, inFlight);
    // A request in flight may pause its body for the whole stop timeout (Jetty's default
    // second is cut short on a loaded machine); idle connections close sooner (Connector).
    connector.setShutdownIdleTimeout(settings.stopTimeout().toMillis());
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    server.addConnector(connector);
    String page = Page.html(settings.model());
    BrowserSafety safety =
        new BrowserSafety(
            Page.contentSecurityPolicy(page),
            BrowserSafety.isLoopbackAddress(settings.host()),
            settings.allowedHosts());
    // Jetty's own refusals (bad URIs, headers, versions, bodies) in the server's JSON, not HTML.
    server.setErrorHandler(new JsonErrors(safety, http));
    ModelVersions[] opened = new ModelVersions[1];
    Metrics metrics =
        settings.metrics() ? new Metrics(settings.model(), () -> opened[0].metricStates()) : null;
    Expensive expensive = new Expensive(settings.expensiveSlots());
    LongConsumer onBatch = metrics == null ? images -> {} : metrics::batch;
    LongConsumer onBatchRequests = metrics == null ? requests -> {} : metrics::batchRequests;
    ModelVersions modelVersions =
        source.open(
            (version, generator) ->
                new Routes(
                    generator,
                    version,
                    settings,
                    safety,
                    page,
                    inFlight,
                    expensive,
                    onBatch,
                    onBatchRequests));
    opened[0] = modelVersions;
    Health health = new Health(modelVersions::notReady);
    Versions versions = new Versions(modelVersions, settings.model(), safety, inFlight);
    GracefulHandler graceful = new GracefulHandler(new Front(versions, safety, health, metrics));
    server.setHandler(graceful);
    AccessLog accessLog = new AccessLog(settings.accessLog(), metrics);
    if (accessLog.active()) {
      server.setRequestLog(accessLog);
    }
    server.setStopTimeout(settings.stopTimeout().toMillis());
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      modelVersions.close();
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof BindException)) {
        cause = cause.getCause();
      }
      throw new IOException(
          "cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + (cause.getMessage() == null ? cause.toString() : cause.getMessage()),
          e);
    }
    return new CganServer(server, connector, versions, modelVersions, health, graceful, settings);
  }

  /**
   * One image, as a request would ask for it. TensorFlow loads a SavedModel whose variables are
   * gone without a word and fails only when it runs; such a model must not be reported AVAILABLE.
   */
  static void warmUp(CganGenerator generator) throws ModelUnavailableException {
    try {
      generator.pixels(new int[] {0}, 0);
    } catch (RuntimeException e) {
      throw new ModelUnavailableException(
          "the model cannot generate, so it is not served: its warm-up request (one image of"
              + " class 0) failed: "
              + Json.oneLine(e.getMessage()),
          e);
    }
  }

  /** The port listened on (the one picked when the settings asked for 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://HOST:PORT/}. */
  public URI uri() {
    String host = connector.getHost();
    if (host == null || host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    }
    return URI.create(
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  /** Waits until the server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** For tests: called as each request starts being handled. */
  void onRequest(Runnable listener) {
    versions.onRequest(listener);
  }

  /**
   * Each version known, by number, and its state as {@code GET /v1/models/NAME} reports it: START,
   * LOADING, AVAILABLE, UNLOADING or END.
   */
  public SortedMap<Long, String> versionStates() {
    SortedMap<Long, String> out = new TreeMap<>();
    modelVersions.statuses().forEach(s -> out.put(s.version(), s.state().name()));
    return out;
  }

  /**
   * Stops gracefully: {@code /v2/health/ready} answers 503 at once; after the drain time (if any)
   * every new request gets 503 and the port closes; requests in flight finish (up to the stop
   * timeout), then the threads end. Idempotent; a close from another thread waits for the first.
   */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      stopped.join();
      return;
    }
    try {
      health.drain();
      if (!drainTime.isZero()) {
        try {
          Thread.sleep(drainTime.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      // From here a request that reaches the handlers is answered 503 with Connection: close,
      // rather than finding its connection closed under it.
      health.refuse();
      // Jetty keeps the listening socket open until its graceful wait is over; close it first, so
      // that new clients are refused at once (and a load balancer moves on) while in flight
      // finish.
      connector.close();
      // The requests in flight finish while the connections stay as they are: a request that
      // comes on an open connection now gets the 503 above. Jetty's own graceful stop, after,
      // has nothing left to wait for but closes idle connections, and may do so before reading
      // a request just sent on one.
      long deadline = System.nanoTime() + stopTimeout.toNanos();
      try {
        while (graceful.getCurrentRequestCount() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.setStopTimeout(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      stopQuietly(server);
      modelVersions.close();
    } finally {
      stopped.complete(null);
    }
  }

  /**
   * Jetty's connector, except that a stop closes the connections without a request in flight within
   * {@link #IDLE_AT_STOP}: Jetty gives every connection the same shutdown idle timeout, so one long
   * enough for a body in flight let an idle keep-alive connection (a browser's) hold the stop for
   * the whole stop timeout.
   */
  private static final class Connector extends ServerConnector {
    private final Routes.InFlight inFlight;

    Connector(Server server, HttpConfiguration http, Routes.InFlight inFlight) {
      super(server, 1, 1, new HttpConnectionFactory(http));
      this.inFlight = inFlight;
    }

    @Override
    public CompletableFuture<Void> shutdown() {
      inFlight.stopping(IDLE_AT_STOP.toMillis());
      CompletableFuture<Void> done = super.shutdown();
      for (EndPoint endPoint : getConnectedEndPoints()) {
        if (!inFlight.contains(endPoint)) {
          endPoint.setIdleTimeout(IDLE_AT_STOP.toMillis());
        }
      }
      return done;
    }
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // Jetty reports requests cut at the stop timeout as an exception; the server is stopped.
    }
  }
}
