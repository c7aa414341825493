package dev.cgan.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.cgan.Version;
import dev.cgan.data.LabeledImages;
import dev.cgan.internal.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Trained classifiers on disk, so that only the first evaluation on a machine (of a data set) pays
 * for training. Layout:
 *
 * <pre>
 * &lt;root&gt;/classifiers/digits-&lt;key&gt;/classifier.index      the digit classifier
 *                                  classifier.data-00000-of-00001
 *                                  classifier.json     (ClassifierInfo)
 * &lt;root&gt;/classifiers/data-&lt;key&gt;/…                   a classifier of a run's own data
 * </pre>
 *
 * <p>The key is a SHA-256 of the network's {@link ClassifierNet#architecture}, the training recipe
 * and the training and held-out data (its fingerprint: every pixel and label), so a cache written
 * for another network, recipe or data set is never picked up. An entry is trained in a hidden
 * temporary folder and published by one atomic rename, so a killed process leaves no half-written
 * entry under a real key. Every load checks the files against the SHA-256 sums in {@code
 * classifier.json}; an entry that fails the check (a torn write after a power cut, a damaged disk,
 * a hand edit) is discarded and retrained.
 */
final class ClassifierCache {
  /** Environment variable that overrides the cache root. */
  static final String ENV = "CGAN_CACHE_DIR";

  /** Part of the key; 2: trained with {@link dev.cgan.internal.Adam}, whose steps are ordered. */
  static final String FORMAT = "cgan-java/digit-classifier/2";

  static final String CHECKPOINT = "classifier";
  static final String META = "classifier.json";
  private static final String[] CHECKPOINT_FILES = {
    CHECKPOINT + ".index", CHECKPOINT + ".data-00000-of-00001"
  };
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  /**
   * Temporary folders older than this belong to a process that died; younger ones may be in use.
   */
  private static final Duration ABANDONED = Duration.ofHours(1);

  private final Path root;

  /** A classifier ready for use, and where it came from. */
  record Entry(DigitClassifier classifier, ClassifierInfo info, Path dir, boolean trained) {}

  /**
   * @param root the cache root, e.g. {@link #defaultRoot()}
   */
  ClassifierCache(Path root) {
    this.root = root;
  }

  /** {@code $CGAN_CACHE_DIR} when set, otherwise {@code ~/.cache/cgan-java}. */
  static Path defaultRoot() {
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "cgan-java");
  }

  /** The folder of the entry for this recipe and data (it need not exist). */
  Path dirFor(ClassifierSpec spec, LabeledImages train, LabeledImages heldOut) {
    return dirFor(spec, train, heldOut, DigitClassifier.Input.DIGITS);
  }

  private Path dirFor(
      ClassifierSpec spec, LabeledImages train, LabeledImages heldOut, DigitClassifier.Input in) {
    String kind = in.equals(DigitClassifier.Input.DIGITS) ? "digits-" : "data-";
    return root.resolve("classifiers").resolve(kind + key(spec, train, heldOut));
  }

  /**
   * {@link #open(ClassifierSpec, LabeledImages, LabeledImages, DigitClassifier.Input, Consumer)} of
   * the digit classifier.
   */
  Entry open(ClassifierSpec spec, LabeledImages train, LabeledImages heldOut, Consumer<String> log)
      throws IOException {
    return open(spec, train, heldOut, DigitClassifier.Input.DIGITS, log);
  }

  /**
   * Loads the cached classifier for this recipe and data, or trains one, measures it on {@code
   * heldOut} and caches it.
   *
   * @param log receives one line when the cache is missed or an entry is discarded
   */
  Entry open(
      ClassifierSpec spec,
      LabeledImages train,
      LabeledImages heldOut,
      DigitClassifier.Input in,
      Consumer<String> log)
      throws IOException {
    String key = key(spec, train, heldOut);
    Path dir = dirFor(spec, train, heldOut, in);
    if (Files.exists(dir)) {
      try {
        return load(dir, key, in);
      } catch (IOException e) {
        log.accept("discarding the cached classifier in " + dir + ": " + e.getMessage());
        discard(dir);
      }
    }
    log.accept("training " + what(in) + " (once per machine; cached in " + dir + ")");
    return trainAndPublish(spec, train, heldOut, in, key, dir, log);
  }

  private static String what(DigitClassifier.Input in) {
    return in.equals(DigitClassifier.Input.DIGITS)
        ? "the digit classifier"
        : "a classifier of the run's " + in.classes() + " classes";
  }

  /**
   * Loads and checks one entry.
   *
   * @throws IOException saying what is wrong with it
   */
  static Entry load(Path dir, String key, DigitClassifier.Input in) throws IOException {
    Path meta = dir.resolve(META);
    ClassifierInfo info;
    try {
      info = GSON.fromJson(Files.readString(meta, StandardCharsets.UTF_8), ClassifierInfo.class);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IOException(meta + " is unreadable (" + e.getMessage() + ")");
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(meta + " is missing");
    }
    if (info == null
        || !FORMAT.equals(info.format())
        || !key.equals(info.key())
        || info.files() == null) {
      throw new IOException(meta + " is not the metadata of classifier " + key);
    }
    for (String name : CHECKPOINT_FILES) {
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        throw new IOException(file + " is missing");
      }
      if (!sha256(file).equals(info.files().get(name))) {
        throw new IOException(file + " does not match its SHA-256 in " + META);
      }
    }
    return new Entry(DigitClassifier.load(dir.resolve(CHECKPOINT), in), info, dir, false);
  }

  private Entry trainAndPublish(
      ClassifierSpec spec,
      LabeledImages train,
      LabeledImages heldOut,
      DigitClassifier.Input in,
      String key,
      Path dir,
      Consumer<String> log)
      throws IOException {
    Path parent = dir.getParent();
    Files.createDirectories(parent);
    removeAbandoned(parent);
    Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp-");
    try {
      long t0 = System.nanoTime();
      double loss = ClassifierTraining.trainAndSave(spec, train, tmp.resolve(CHECKPOINT));
      double seconds = (System.nanoTime() - t0) / 1e9;
      // Measured on the restored files, so the accuracy on record is that of what is published.
      DigitClassifier classifier = DigitClassifier.load(tmp.resolve(CHECKPOINT), in);
      try {
        double accuracy = Scores.accuracy(classifier.predict(heldOut).classes(), heldOut.labels());
        Map<String, String> files = new TreeMap<>();
        for (String name : CHECKPOINT_FILES) {
          files.put(name, sha256(tmp.resolve(name)));
        }
        ClassifierInfo info =
            new ClassifierInfo(
                FORMAT,
                key,
                ClassifierNet.architecture(train.channels(), train.numClasses()),
                spec,
                dataSha256(train, heldOut),
                train.count(),
                heldOut.count(),
                accuracy,
                seconds,
                loss,
                Instant.now().toString(),
                Version.project(),
                Version.tensorflow(),
                files);
        Files.writeString(tmp.resolve(META), GSON.toJson(info), StandardCharsets.UTF_8);
        publish(tmp, dir, key, in, log);
        log.accept(
            String.format(
                Locale.ROOT,
                "trained %s in %.1f s: %.2f %% on %d held-out real images",
                what(in),
                seconds,
                100 * accuracy,
                heldOut.count()));
        return new Entry(classifier, info, dir, true);
      } catch (IOException | RuntimeException e) {
        classifier.close();
        throw e;
      }
    } finally {
      AtomicFiles.deleteRecursively(tmp);
    }
  }

  /** Renames the finished temporary folder to its key; tolerates a concurrent process that won. */
  private static void publish(
      Path tmp, Path dir, String key, DigitClassifier.Input in, Consumer<String> log)
      throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (FileSystemException e) {
        // The target appeared while we trained: another process published first, or left junk.
        if (!Files.exists(dir) || attempt > 0) {
          throw e;
        }
        try {
          load(dir, key, in).classifier().close();
          return;
        } catch (IOException invalid) {
          log.accept(
              "replacing the broken cached classifier in " + dir + ": " + invalid.getMessage());
          discard(dir);
        }
      }
    }
  }

  /** Moves an entry out of the way, then deletes it, so its key is free at once. */
  private static void discard(Path dir) throws IOException {
    Path aside = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".stale-");
    Files.delete(aside);
    try {
      Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    }
    AtomicFiles.deleteRecursively(aside);
  }

  private static void removeAbandoned(Path parent) throws IOException {
    Instant cutoff = Instant.now().minus(ABANDONED);
    try (Stream<Path> entries = Files.list(parent)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")
            && (name.contains(".tmp-") || name.contains(".stale-"))
            && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          AtomicFiles.deleteRecursively(p);
        }
      }
    }
  }

  /** The cache key: 16 hex digits of a SHA-256 over everything that determines the weights. */
  static String key(ClassifierSpec spec, LabeledImages train, LabeledImages heldOut) {
    MessageDigest d = newDigest();
    d.update(
        (FORMAT
                + "\n"
                + ClassifierNet.architecture(train.channels(), train.numClasses())
                + "\n"
                + spec
                + "\n"
                + dataSha256(train, heldOut))
            .getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(d.digest()).substring(0, 16);
  }

  static String dataSha256(LabeledImages train, LabeledImages heldOut) {
    MessageDigest d = newDigest();
    for (LabeledImages set : new LabeledImages[] {train, heldOut}) {
      ByteBuffer header =
          ByteBuffer.allocate(16)
              .putInt(set.count())
              .putInt(set.height())
              .putInt(set.width())
              .putInt(set.numClasses());
      d.update(header.array());
      d.update(set.pixels());
      ByteBuffer labels = ByteBuffer.allocate(4 * set.count());
      for (int label : set.labels()) {
        labels.putInt(label);
      }
      d.update(labels.array());
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest d = newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JRE", e);
    }
  }
}
