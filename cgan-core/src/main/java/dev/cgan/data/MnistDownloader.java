package dev.cgan.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Downloads the full MNIST database (60,000 training and 10,000 test digits) into a cache
 * directory, trying a list of mirrors in order and accepting a file only if its SHA-256 is the
 * known one.
 *
 * <p>This class describes MNIST (its files, their SHA-256, the mirrors, the cache folder); the
 * transfer itself, mirror after mirror with the hash checked before a file enters the cache, is
 * {@link VerifiedDownload}'s, the way Keras's {@code mnist.load_data} sits on {@code get_file}.
 *
 * <p>The cache only ever holds verified files: each download goes to a temp file in the cache
 * directory and is renamed into place atomically after its hash matched, and on failure the temp
 * file is deleted. A cached file whose hash matches is used as is; one whose hash does not is
 * deleted and downloaded again. Two processes filling the same cache at once are safe: each writes
 * its own temp file and the renames replace one verified copy with another.
 *
 * <p>The library prints nothing; progress goes to a {@link Progress} callback. Read the result with
 * {@link LabeledImages#fromDirectory(Path, String)}.
 *
 * <pre>{@code
 * Path dir = MnistDownloader.builder().progress(bar::update).build().downloadAll();
 * LabeledImages train = LabeledImages.fromDirectory(dir, "train");
 * }</pre>
 */
public final class MnistDownloader {

  /** Progress of one file's download. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Called on the thread that called {@code download}, a few times a second while bytes arrive
     * and once at the end; for a file already in the cache, once with its size.
     *
     * @param fileName the file being downloaded, e.g. {@code "train-images-idx3-ubyte.gz"}
     * @param bytesSoFar bytes received so far from the current mirror
     * @param totalBytes the size the server announced, or -1 if it did not
     */
    void update(String fileName, long bytesSoFar, long totalBytes);

    /** Reports nothing. */
    Progress NONE = (fileName, bytesSoFar, totalBytes) -> {};
  }

  /** The mirrors tried by default, in order; the original yann.lecun.com site is gone. */
  public static final List<URI> DEFAULT_BASE_URLS =
      List.of(
          URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
          URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"));

  /** The four MNIST files with the SHA-256 of each gzipped file, in download order. */
  public static final Map<String, String> MNIST_FILES = mnistFiles();

  private static Map<String, String> mnistFiles() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609");
    m.put(
        "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c");
    m.put(
        "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6");
    m.put(
        "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaae3c3b3a1f0a9a5d");
    return Collections.unmodifiableMap(m);
  }

  /** The environment variable that overrides the default cache directory. */
  public static final String CACHE_DIR_ENV = "CGAN_CACHE_DIR";

  /** How long to wait for a TCP (and TLS) connection to a mirror. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  /** How long to wait for the response headers, and then for each next piece of the body. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A body larger than this is refused: the largest MNIST file is under 10 MB, so anything near
   * this is a wrong URL or a misbehaving server, not MNIST.
   */
  public static final long MAX_FILE_BYTES = 64L << 20;

  private final Path cacheDir;
  private final List<URI> baseUrls;
  private final Map<String, String> files;
  private final VerifiedDownload fetcher;

  private MnistDownloader(Builder b) {
    this.cacheDir = b.cacheDir != null ? b.cacheDir : defaultCacheDir();
    this.baseUrls = b.baseUrls;
    this.files = b.files;
    this.fetcher =
        new VerifiedDownload(b.connectTimeout, b.readTimeout, b.maxFileBytes, b.progress);
  }

  /** A builder with the defaults: MNIST files, default mirrors, {@link #defaultCacheDir()}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code $CGAN_CACHE_DIR/mnist} if the variable is set and not blank, else {@code
   * ~/.cache/cgan-java/mnist}: the variable names the root of every cgan-java cache.
   */
  public static Path defaultCacheDir() {
    return defaultCacheDir(System.getenv(CACHE_DIR_ENV), System.getProperty("user.home"));
  }

  static Path defaultCacheDir(String env, String userHome) {
    if (env != null && !env.isBlank()) {
      return Path.of(env, "mnist");
    }
    return Path.of(userHome, ".cache", "cgan-java", "mnist");
  }

  /** The directory files are downloaded into. */
  public Path cacheDir() {
    return cacheDir;
  }

  /** The mirrors, in the order they are tried; each ends with {@code /}. */
  public List<URI> baseUrls() {
    return baseUrls;
  }

  /** The files this downloader fetches, each with its expected SHA-256. */
  public Map<String, String> files() {
    return files;
  }

  /**
   * Makes sure every file is in the cache and verified, downloading what is missing or corrupt.
   *
   * @return the cache directory, ready for {@link LabeledImages#fromDirectory(Path, String)}
   * @throws DownloadException if a file could not be had from any mirror
   * @throws InterruptedIOException if the thread was interrupted (its flag is set again)
   * @throws IOException if the cache directory cannot be written
   */
  public Path downloadAll() throws IOException {
    for (String name : files.keySet()) {
      download(name);
    }
    return cacheDir;
  }

  /**
   * Makes sure one file is in the cache and verified, downloading it if missing or corrupt.
   *
   * @param fileName one of {@link #files()}' names
   * @return the verified file in the cache
   * @throws IllegalArgumentException if this downloader has no hash for {@code fileName}
   * @throws DownloadException if no mirror delivered the file with the expected hash; the cache
   *     then holds no file of that name
   * @throws InterruptedIOException if the thread was interrupted (its flag is set again)
   * @throws IOException if the cache directory cannot be written
   */
  public Path download(String fileName) throws IOException {
    String expected = files.get(fileName);
    if (expected == null) {
      throw new IllegalArgumentException(
          "no SHA-256 known for " + fileName + "; known: " + files.keySet());
    }
    return fetcher.get(fileName, expected, cacheDir, baseUrls);
  }

  /** Settings for a {@link MnistDownloader}; every one has a default. */
  public static final class Builder {
    private Path cacheDir;
    private List<URI> baseUrls = DEFAULT_BASE_URLS;
    private Map<String, String> files = MNIST_FILES;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Progress progress = Progress.NONE;
    private long maxFileBytes = MAX_FILE_BYTES;

    private Builder() {}

    /** Where to keep the files; default {@link #defaultCacheDir()}. Created if missing. */
    public Builder cacheDir(Path dir) {
      this.cacheDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * The mirrors to try, in order; a file's URL is the base plus its name. A missing trailing
     * {@code /} is added. Only http and https are accepted.
     */
    public Builder baseUrls(List<URI> urls) {
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("need at least one base URL");
      }
      List<URI> normalized = new ArrayList<>();
      for (URI u : urls) {
        String scheme = u.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
          throw new IllegalArgumentException("base URL must be http or https: " + u);
        }
        // Without the slash, resolve() would replace the last path segment.
        normalized.add(u.toString().endsWith("/") ? u : URI.create(u + "/"));
      }
      this.baseUrls = List.copyOf(normalized);
      return this;
    }

    /** The same as {@link #baseUrls(List)}, from strings. */
    public Builder baseUrls(String... urls) {
      List<URI> list = new ArrayList<>();
      for (String u : urls) {
        list.add(URI.create(u));
      }
      return baseUrls(list);
    }

    /**
     * Which files to fetch, each with the lower-case hex SHA-256 of its bytes as served; default
     * {@link #MNIST_FILES}. Iteration order is download order.
     */
    public Builder files(Map<String, String> fileToSha256) {
      if (fileToSha256.isEmpty()) {
        throw new IllegalArgumentException("need at least one file");
      }
      for (Map.Entry<String, String> e : fileToSha256.entrySet()) {
        String name = e.getKey();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
          throw new IllegalArgumentException("not a plain file name: " + name);
        }
        if (!e.getValue().matches("[0-9a-f]{64}")) {
          throw new IllegalArgumentException(
              "not a lower-case hex SHA-256 for " + name + ": " + e.getValue());
        }
      }
      this.files = Collections.unmodifiableMap(new LinkedHashMap<>(fileToSha256));
      return this;
    }

    /** How long to wait for a connection; default {@link #DEFAULT_CONNECT_TIMEOUT}. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout);
      return this;
    }

    /**
     * How long to wait for the response headers and then for each next piece of the body; default
     * {@link #DEFAULT_READ_TIMEOUT}.
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout);
      return this;
    }

    // Package-private: only tests need a different limit, to test it without 64 MiB of traffic.
    Builder maxFileBytes(long limit) {
      this.maxFileBytes = limit;
      return this;
    }

    /** Where to report progress; default {@link Progress#NONE}. */
    public Builder progress(Progress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** The downloader; nothing is fetched until {@link #download} or {@link #downloadAll}. */
    public MnistDownloader build() {
      return new MnistDownloader(this);
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + d);
      }
      return d;
    }
  }
}
