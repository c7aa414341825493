package dev.cgan.server;

import dev.cgan.run.RunFolder;
import dev.cgan.serve.CganGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of the served model and their life cycle, as TensorFlow Serving's manager: each
 * version goes START (seen) → LOADING → AVAILABLE (loaded, warmed up, taking traffic) → UNLOADING
 * (taking no new requests, finishing those it has) → END (closed, or failed to load, with the
 * error).
 *
 * <p>A request holds the version it was given ({@link Served#acquire}) until its answer is sent; a
 * version leaving service is closed, freeing its native memory, only once the last request holding
 * it has finished. New requests go to the version now AVAILABLE from the moment it is, so a switch
 * loses no request and every answer is wholly one version's.
 *
 * <p>Either one generator given by the caller (version 1, never unloaded, never closed here) or a
 * {@link ModelBasePath} read at start and then every poll interval on one thread of its own.
 */
final class ModelVersions implements AutoCloseable {
  /** The logger of loads, unloads and refused folders. */
  static final String LOGGER = "dev.cgan.server.versions";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  /** TensorFlow Serving's servable states. */
  enum State {
    START,
    LOADING,
    AVAILABLE,
    UNLOADING,
    END
  }

  /** One version's state as the status endpoint and the metrics report it. */
  record Status(
      long version, State state, String errorCode, String errorMessage, double loadSeconds) {}

  /**
   * A loaded version: its generator, the routes that answer from it, and a count of the requests
   * holding it plus one for being in service. At zero it is closed and can be acquired no more.
   */
  static final class Served {
    final long version;
    final CganGenerator generator;
    final Handler routes;
    private final boolean owned;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final Runnable onClosed;

    Served(
        long version, CganGenerator generator, Handler routes, boolean owned, Runnable onClosed) {
      this.version = version;
      this.generator = generator;
      this.routes = routes;
      this.owned = owned;
      this.onClosed = onClosed;
    }

    /** Holds this version for one request; false once it has been closed. */
    boolean acquire() {
      while (true) {
        int r = refs.get();
        if (r <= 0) {
          return false;
        }
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
    }

    /** Lets go of one hold; the last one closes the generator (when it is the server's). */
    void release() {
      if (refs.decrementAndGet() == 0) {
        try {
          if (owned) {
            generator.close();
          }
        } catch (RuntimeException e) {
          LOG.warn("version {}: closing it failed: {}", version, Json.oneLine(e.getMessage()));
        } finally {
          onClosed.run();
        }
      }
    }
  }

  /** What is known of one version folder. */
  private static final class Entry {
    volatile State state = State.START;
    volatile String errorCode = "OK";
    volatile String errorMessage = "";
    volatile double loadSeconds = -1;
    volatile Served served;

    /** The folder's files (names, sizes, times) when it last failed to load; retried on change. */
    String failedAt;

    boolean warnedIncomplete;
  }

  private final String model;
  private final ModelBasePath base;
  private final BiFunction<Long, CganGenerator, Handler> routes;
  private final ConcurrentSkipListMap<Long, Entry> entries = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<Long, Served> available = new ConcurrentSkipListMap<>();
  private final ScheduledExecutorService poller;
  private volatile boolean closed;

  private ModelVersions(
      String model, ModelBasePath base, BiFunction<Long, CganGenerator, Handler> routes) {
    this.model = model;
    this.base = base;
    this.routes = routes;
    this.poller =
        base == null || base.poll().isZero()
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "cgan-versions");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** {@code generator} served as version {@code version}, the caller's to close. */
  static ModelVersions fixed(
      String model,
      long version,
      CganGenerator generator,
      BiFunction<Long, CganGenerator, Handler> routes) {
    ModelVersions v = new ModelVersions(model, null, routes);
    Entry e = new Entry();
    Served s = new Served(version, generator, routes.apply(version, generator), false, () -> {});
    e.served = s;
    e.state = State.AVAILABLE;
    v.entries.put(version, e);
    v.available.put(version, s);
    return v;
  }

  /**
   * The versions of {@code base}: read once now (loading what the policy asks for, so that the
   * server starts with them), then every poll interval.
   *
   * @throws IOException when the base folder is not a readable folder
   */
  static ModelVersions watching(
      String model, ModelBasePath base, BiFunction<Long, CganGenerator, Handler> routes)
      throws IOException {
    if (!Files.isDirectory(base.dir())) {
      throw new IOException(
          base.dir()
              + (Files.exists(base.dir()) ? " is not a folder" : " does not exist")
              + " (the model base path, where the numbered versions are)");
    }
    ModelVersions v = new ModelVersions(model, base, routes);
    v.poll();
    if (v.poller != null) {
      long ms = base.poll().toMillis();
      v.poller.scheduleWithFixedDelay(v::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }
    return v;
  }

  /** The highest AVAILABLE version, held for one request; null when there is none. */
  Served acquireLatest() {
    while (true) {
      Map.Entry<Long, Served> e = available.lastEntry();
      if (e == null) {
        return null;
      }
      if (e.getValue().acquire()) {
        return e.getValue();
      }
      // Closed between the lookup and the hold: it has left the map, or is about to.
      available.remove(e.getKey(), e.getValue());
    }
  }

  /** Version {@code v} when AVAILABLE, held for one request; else null. */
  Served acquire(long v) {
    Served s = available.get(v);
    return s != null && s.acquire() ? s : null;
  }

  /** Every known version, highest first, as TF Serving's GetModelStatus lists them. */
  List<Status> statuses() {
    List<Status> out = new ArrayList<>();
    for (var e : entries.descendingMap().entrySet()) {
      Entry x = e.getValue();
      out.add(new Status(e.getKey(), x.state, x.errorCode, x.errorMessage, x.loadSeconds));
    }
    return out;
  }

  /** The states for the metrics. */
  List<Metrics.VersionState> metricStates() {
    List<Metrics.VersionState> out = new ArrayList<>();
    for (Status s : statuses()) {
      out.add(new Metrics.VersionState(s.version(), s.state().name(), s.loadSeconds()));
    }
    return out;
  }

  /** Null while a version is AVAILABLE; else why not, for {@code /v2/health/ready}. */
  String notReady() {
    if (!available.isEmpty()) {
      return null;
    }
    StringBuilder why =
        new StringBuilder("not ready: no version of model '" + model + "' is AVAILABLE");
    List<Status> all = statuses();
    if (all.isEmpty()) {
      why.append(base == null ? "" : "; " + base.dir() + " has no numbered version folder");
    } else {
      for (Status s : all) {
        why.append("; version ")
            .append(s.version())
            .append(' ')
            .append(s.state())
            .append(s.errorMessage().isEmpty() ? "" : ": " + s.errorMessage());
      }
    }
    return why.toString();
  }

  /** Stops polling and closes every version once its requests have finished. */
  @Override
  public void close() {
    closed = true;
    if (poller != null) {
      poller.shutdownNow();
      try {
        poller.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      for (Long v : new ArrayList<>(available.keySet())) {
        unload(v, "the server stops");
      }
    }
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("reading {} failed: {}", base.dir(), Json.oneLine(e.getMessage()));
    }
  }

  /**
   * One look at the base folder: loads the versions the policy asks for among the complete folders
   * that have not failed, newest first, then unloads those it no longer asks for.
   */
  synchronized void poll() {
    if (closed) {
      return;
    }
    NavigableMap<Long, Path> present = scan();
    NavigableSet<Long> candidates = new TreeSet<>();
    for (var p : present.entrySet()) {
      long v = p.getKey();
      Entry e = entries.get(v);
      if (e != null && e.served != null) {
        candidates.add(v);
        continue;
      }
      if (e != null && e.state == State.UNLOADING) {
        continue;
      }
      String missing = missing(p.getValue());
      if (missing != null) {
        e = entries.computeIfAbsent(v, k -> new Entry());
        e.state = State.START;
        e.errorCode = "OK";
        e.errorMessage = "not complete yet (" + missing + "); loaded once it is";
        if (!e.warnedIncomplete) {
          e.warnedIncomplete = true;
          LOG.warn("version {} ({}) is not complete yet: {}", v, p.getValue(), missing);
        }
        continue;
      }
      if (e != null && e.state == State.START) {
        // Complete now: listed again once it is loaded (or fails to).
        entries.remove(v, e);
        e = null;
      }
      if (e != null && e.failedAt != null && e.failedAt.equals(fingerprint(p.getValue()))) {
        continue;
      }
      candidates.add(v);
    }
    // Loads, newest first; a failure takes that version out of the candidates and asks again.
    while (true) {
      NavigableSet<Long> wanted = base.policy().choose(candidates);
      Long next = null;
      for (long v : wanted.descendingSet()) {
        Entry x = entries.get(v);
        if (x == null || x.served == null) {
          next = v;
          break;
        }
      }
      if (next == null || closed) {
        for (Long v : new ArrayList<>(available.keySet())) {
          if (!wanted.contains(v)) {
            unload(
                v, present.containsKey(v) ? "a newer version is AVAILABLE" : "its folder is gone");
          }
        }
        break;
      }
      if (!load(next, present.get(next))) {
        candidates.remove(next);
      }
    }
    // Forget the folders that are gone, once nothing of them is left in service.
    entries
        .entrySet()
        .removeIf(
            e ->
                !present.containsKey(e.getKey())
                    && (e.getValue().state == State.END || e.getValue().state == State.START));
  }

  /** Loads, warms up and puts version {@code v} in service; false (and END, with why) if not. */
  private boolean load(long v, Path dir) {
    Entry e = entries.computeIfAbsent(v, k -> new Entry());
    e.state = State.LOADING;
    e.errorCode = "OK";
    e.errorMessage = "";
    long t0 = System.nanoTime();
    // The files as they are before the load reads them: a file rewritten while it loads (a fix
    // copied in place) must count as a change, not as the folder that failed.
    String files = fingerprint(dir);
    CganGenerator g = null;
    try {
      g = CganGenerator.load(dir, base.weights());
      CganServer.warmUp(g);
      Served s = new Served(v, g, routes.apply(v, g), true, () -> ended(v));
      e.loadSeconds = (System.nanoTime() - t0) / 1e9;
      e.served = s;
      e.failedAt = null;
      available.put(v, s);
      e.state = State.AVAILABLE;
      LOG.info(
          "version {} AVAILABLE ({}), loaded and warmed up in {} s", v, dir, round(e.loadSeconds));
      return true;
    } catch (IOException | RuntimeException x) {
      if (g != null) {
        g.close();
      }
      e.state = State.END;
      e.errorCode = "UNKNOWN";
      e.errorMessage = "cannot be served: " + Json.oneLine(x.getMessage());
      e.failedAt = files;
      LOG.warn("version {} ({}) {}; retried when its files change", v, dir, e.errorMessage);
      return false;
    }
  }

  /** Takes version {@code v} out of service; it closes once its last request has finished. */
  private void unload(long v, String why) {
    Served s = available.remove(v);
    Entry e = entries.get(v);
    if (s == null || e == null) {
      return;
    }
    e.state = State.UNLOADING;
    e.served = null;
    LOG.info("version {} UNLOADING: {}", v, why);
    s.release();
  }

  /** Called by the last release of version {@code v}'s generator. */
  private void ended(long v) {
    Entry e = entries.get(v);
    if (e != null && e.state == State.UNLOADING) {
      e.state = State.END;
    }
    LOG.info("version {} END: closed", v);
  }

  /** The numbered, non-hidden folders of the base path, by version. */
  private NavigableMap<Long, Path> scan() {
    NavigableMap<Long, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base.dir())) {
      for (Path p : dirs) {
        String name = p.getFileName().toString();
        if (name.matches("[0-9]{1,18}") && Files.isDirectory(p) && Long.parseLong(name) > 0) {
          out.put(Long.parseLong(name), p);
        }
      }
    } catch (NoSuchFileException e) {
      LOG.warn("the model base path {} is gone; no version is left to serve", base.dir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * What a version folder still lacks before it may be loaded, or null when it is complete: a
   * SavedModel's graph, variable index and data and cgan.json, or a run's run.json.
   */
  static String missing(Path dir) {
    if (RunFolder.isRun(dir)) {
      return null;
    }
    if (!regular(dir.resolve("saved_model.pb"))) {
      return "no saved_model.pb or run.json";
    }
    if (!regular(dir.resolve("variables/variables.index"))) {
      return "no variables/variables.index";
    }
    try (Stream<Path> files = Files.list(dir.resolve("variables"))) {
      if (files.noneMatch(
          f -> f.getFileName().toString().startsWith("variables.data-") && regular(f))) {
        return "no variables/variables.data-*";
      }
    } catch (IOException e) {
      return "variables/ cannot be read";
    }
    if (!regular(dir.resolve("assets.extra/cgan.json"))) {
      return "no assets.extra/cgan.json";
    }
    return null;
  }

  private static boolean regular(Path p) {
    return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** Names, sizes and modification times of the files in {@code dir}, three levels down. */
  private static String fingerprint(Path dir) {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir, 3)) {
      files
          .sorted()
          .forEach(
              f -> {
                try {
                  BasicFileAttributes a =
                      Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                  out.append(dir.relativize(f))
                      .append(' ')
                      .append(a.size())
                      .append(' ')
                      .append(a.lastModifiedTime().toMillis())
                      .append('\n');
                } catch (IOException e) {
                  out.append(f).append(" ?\n");
                }
              });
    } catch (IOException | UncheckedIOException e) {
      out.append("unreadable");
    }
    return out.toString();
  }

  private static String round(double seconds) {
    return String.format(java.util.Locale.ROOT, "%.2f", seconds);
  }
}
