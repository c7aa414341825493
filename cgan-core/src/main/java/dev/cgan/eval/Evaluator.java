package dev.cgan.eval;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.DataSource;
import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.data.MnistDownloader;
import dev.cgan.internal.Seeds;
import dev.cgan.model.CganConfig;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import dev.cgan.serve.CganGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Scores a generator against real images with a classifier: conditional accuracy, Fréchet distance
 * in the classifier's features, classifier score and per-class diversity ({@link
 * EvaluationReport}). A digit generator is scored against real MNIST digits with the digit
 * classifier ({@link #open(Path, Consumer)}); a generator trained on other data, against that data
 * with a classifier of the same kind trained on it ({@link #forData}, {@link #forRun}).
 *
 * <p>The classifier is trained on the first 8,000 digits of the embedded set and measured on the
 * last 2,000 (the held-out set every real-digit reference uses). It is trained once per machine and
 * cached (see {@link #open(Path, Consumer)}). Note that a GAN trained on the embedded set has seen
 * the held-out digits too; they are held out from the classifier, not from the GAN.
 *
 * <pre>{@code
 * try (Evaluator ev = Evaluator.open();
 *      CganGenerator g = CganGenerator.load(Path.of("run"))) {
 *   System.out.print(ev.evaluate(g, 1000, 7).toTable());
 * }
 * }</pre>
 *
 * <p>One instance can evaluate many generators (e.g. every N training iterations); opening costs
 * the classifier load and one pass over the held-out digits (about a second once cached).
 * Thread-safe for concurrent evaluations. Close it to free native memory.
 */
public final class Evaluator implements AutoCloseable {
  /** Generated samples per class when the caller has no reason to choose. */
  public static final int DEFAULT_SAMPLES_PER_CLASS = 1000;

  /**
   * The most samples per class one evaluation draws: 10 × 20,000 images of 32×32 floats are 800 MB
   * in memory at once.
   */
  public static final int MAX_SAMPLES_PER_CLASS = 20_000;

  /** Images of the embedded set the classifier trains on; the rest are held out. */
  public static final int TRAIN_IMAGES = 8000;

  private final int classes;
  private final DigitClassifier classifier;
  private final EvaluationReport.Real real;
  private final double[] realDiversity;
  private final Frechet.Gaussian realGaussian;

  private Evaluator(DigitClassifier classifier, LabeledImages heldOut) {
    this.classifier = classifier;
    this.classes = classifier.input().classes();
    DigitClassifier.Predictions p = classifier.predict(heldOut);
    float[][] realFeatures = p.features();
    realGaussian = Frechet.Gaussian.fit(realFeatures);
    realDiversity = diversityPerClass(realFeatures, heldOut.labels());
    int half = heldOut.count() / 2;
    double floor =
        Frechet.distance(
            Arrays.copyOfRange(realFeatures, 0, half),
            Arrays.copyOfRange(realFeatures, half, 2 * half));
    real =
        new EvaluationReport.Real(
            heldOut.count(),
            Scores.accuracy(p.classes(), heldOut.labels()),
            floor,
            Scores.classifierScore(p.probabilities()),
            mean(realDiversity));
  }

  /**
   * {@code $CGAN_CACHE_DIR} when set, otherwise {@code ~/.cache/cgan-java}; classifiers go in its
   * {@code classifiers/}.
   */
  public static Path defaultCacheRoot() {
    return ClassifierCache.defaultRoot();
  }

  /**
   * Opens with the default cache ({@code $CGAN_CACHE_DIR} or {@code ~/.cache/cgan-java}), silently.
   */
  public static Evaluator open() throws IOException {
    return open(ClassifierCache.defaultRoot(), line -> {});
  }

  /**
   * Loads the cached classifier from {@code cacheRoot}, or trains and caches it first (about half a
   * minute on two cores), and prepares the real-digit references.
   *
   * @param log receives a line when the classifier is trained or a broken cache entry is dropped
   * @throws IOException if the embedded data or the cache cannot be read or written
   */
  public static Evaluator open(Path cacheRoot, Consumer<String> log) throws IOException {
    LabeledImages all = EmbeddedMnist.load();
    return open(
        new ClassifierCache(cacheRoot),
        ClassifierSpec.standard(),
        all.subset(0, TRAIN_IMAGES),
        all.subset(TRAIN_IMAGES, all.count()),
        log);
  }

  /**
   * An evaluator of generators trained on {@code data}, a run's own images (any size, grey or
   * colour, any number of classes): a classifier of the digit classifier's kind is trained on
   * {@link HeldOutSplit#HELD_OUT_PERCENT 80 %} of every class (a fixed, stratified split) and
   * measured on the rest, which are also the real references; it is cached under {@code cacheRoot}
   * by the data's fingerprint, so only the first evaluation of a data set trains it.
   *
   * @param imageSize the side of the generated images (the run's network's)
   * @param log receives a line when the classifier is trained or a broken cache entry is dropped
   */
  public static Evaluator forData(
      Path cacheRoot, LabeledImages data, int imageSize, Consumer<String> log) throws IOException {
    HeldOutSplit split = HeldOutSplit.of(data);
    DigitClassifier.Input in =
        new DigitClassifier.Input(
            data.channels(), data.numClasses(), imageSize, data.height(), data.width());
    return open(
        new ClassifierCache(cacheRoot),
        ClassifierSpec.forImages(split.train().count()),
        split.train(),
        split.heldOut(),
        in,
        log);
  }

  /**
   * The evaluator of a run: the digit classifier's for a run on MNIST (embedded or downloaded) and
   * for a 10-class 32×32 grey run on IDX files (today's digits); otherwise one trained on the run's
   * own {@code data} ({@link #forData}).
   */
  public static Evaluator forRun(
      Path cacheRoot, RunSettings settings, LabeledImages data, Consumer<String> log)
      throws IOException {
    if (usesDigits(settings)) {
      requireDigitModel(settings.network());
      return open(cacheRoot, log);
    }
    return forData(cacheRoot, data, settings.network().imageSize(), log);
  }

  /** Whether {@link #forRun} scores the run with the digit classifier. */
  public static boolean usesDigits(RunSettings settings) {
    DataSource data = settings.data();
    if (data instanceof DataSource.Embedded || data instanceof DataSource.Mnist) {
      return true;
    }
    return !(data instanceof DataSource.ImageFolder) && isDigitModel(settings.network());
  }

  /**
   * The evaluator of the model in {@code modelDir}, a run folder or a SavedModel: {@link #forRun}
   * of its run (a SavedModel's is the folder it is the {@code saved_model/} of); the digit
   * classifier for a digit model outside a run.
   *
   * @throws IllegalArgumentException for a model that is no digit model and has no run beside it
   */
  public static Evaluator forModel(
      Path cacheRoot, Path modelDir, CganConfig config, Consumer<String> log) throws IOException {
    Path runDir = runOf(modelDir);
    if (runDir == null) {
      if (!isDigitModel(config)) {
        throw new IllegalArgumentException(
            "evaluating a model that is not a 10-class 32x32 grey digit model needs the run it was"
                + " trained in (its data); "
                + modelDir
                + " is neither a run folder nor the saved_model of one");
      }
      return open(cacheRoot, log);
    }
    RunSettings s = RunFolder.open(runDir).settings();
    LabeledImages data =
        usesDigits(s)
            ? null
            : s.data().load(s.network().numClasses(), MnistDownloader.Progress.NONE);
    return forRun(cacheRoot, s, data, log);
  }

  /** The run folder {@code modelDir} is, or is the SavedModel of; null when neither. */
  private static Path runOf(Path modelDir) throws IOException {
    if (RunFolder.isRun(modelDir)) {
      return modelDir;
    }
    Path dir = modelDir.toAbsolutePath().normalize();
    Path parent = dir.getParent();
    if (parent == null || !RunFolder.isRun(parent)) {
      return null;
    }
    Path own = RunFolder.open(parent).savedModelDir().toAbsolutePath().normalize();
    return own.equals(dir) ? parent : null;
  }

  /** Any recipe and split; for tests, which train a tiny classifier. */
  static Evaluator open(
      ClassifierCache cache,
      ClassifierSpec spec,
      LabeledImages train,
      LabeledImages heldOut,
      Consumer<String> log)
      throws IOException {
    return open(cache, spec, train, heldOut, DigitClassifier.Input.DIGITS, log);
  }

  private static Evaluator open(
      ClassifierCache cache,
      ClassifierSpec spec,
      LabeledImages train,
      LabeledImages heldOut,
      DigitClassifier.Input in,
      Consumer<String> log)
      throws IOException {
    ClassifierCache.Entry entry = cache.open(spec, train, heldOut, in, log);
    try {
      return new Evaluator(entry.classifier(), heldOut);
    } catch (RuntimeException e) {
      entry.classifier().close();
      throw e;
    }
  }

  /**
   * Checks that a generator draws what the classifier reads: 10 classes of 32×32×1.
   *
   * @throws IllegalArgumentException naming the model's shape otherwise
   */
  public static void requireDigitModel(CganConfig config) {
    if (!isDigitModel(config)) {
      throw new IllegalArgumentException(
          "evaluation needs a 10-class 32x32 grey digit model (MNIST); this model has "
              + config.numClasses()
              + " classes of "
              + config.imageSize()
              + "x"
              + config.imageSize()
              + "x"
              + config.channels());
    }
  }

  private static boolean isDigitModel(CganConfig config) {
    return config.numClasses() == ClassifierNet.NUM_CLASSES
        && config.imageSize() == ClassifierNet.IMAGE_SIZE
        && config.channels() == 1;
  }

  /**
   * Checks that a generator draws what this evaluator's classifier reads: its classes, image size
   * and channels.
   *
   * @throws IllegalArgumentException naming both shapes otherwise
   */
  public void requireModel(CganConfig config) {
    DigitClassifier.Input in = classifier.input();
    if (config.numClasses() != in.classes()
        || config.imageSize() != in.size()
        || config.channels() != in.channels()) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the classifier reads %d classes of %dx%dx%d; this model has %d classes of %dx%dx%d",
              in.classes(),
              in.size(),
              in.size(),
              in.channels(),
              config.numClasses(),
              config.imageSize(),
              config.imageSize(),
              config.channels()));
    }
  }

  /**
   * Refuses a sample count {@link #evaluate(CganGenerator, int, long)} cannot use.
   *
   * @throws InvalidSettingException naming {@code samplesPerClass}
   */
  public static void checkSamplesPerClass(int samplesPerClass) {
    if (samplesPerClass < 2 || samplesPerClass > MAX_SAMPLES_PER_CLASS) {
      throw new InvalidSettingException(
          "samplesPerClass",
          "must be between 2 (diversity compares pairs) and "
              + MAX_SAMPLES_PER_CLASS
              + ", got "
              + samplesPerClass);
    }
  }

  /**
   * Generates {@code samplesPerClass} images of every class and scores them. Class y is drawn in
   * one batch with seed {@code Seeds.derive(seed, y)}, so the same generator, count and seed give
   * the same report.
   *
   * @param samplesPerClass at least 2 (diversity needs pairs); 1000 takes a few seconds
   * @throws IllegalArgumentException if the generator is not of the classifier's shape ({@link
   *     #requireModel})
   */
  public EvaluationReport evaluate(CganGenerator generator, int samplesPerClass, long seed) {
    requireModel(generator.config());
    return evaluate(generator::generate, generator.iterations(), samplesPerClass, seed);
  }

  /** What {@link #evaluate(Sampler, int, long)} draws from: images for labels, from a seed. */
  @FunctionalInterface
  public interface Sampler {
    /** n images of S·S·C floats in [−1, 1] for n labels, the same for the same seed. */
    float[][] generate(int[] labels, long seed);
  }

  /**
   * {@link #evaluate(CganGenerator, int, long)} of any generator of the classifier's shape, drawn
   * the same way (class y in one batch with seed {@code Seeds.derive(seed, y)}).
   */
  public EvaluationReport evaluate(Sampler sampler, int samplesPerClass, long seed) {
    return evaluate(sampler, null, samplesPerClass, seed);
  }

  private EvaluationReport evaluate(
      Sampler sampler, Long iterations, int samplesPerClass, long seed) {
    checkSamplesPerClass(samplesPerClass);
    long t0 = System.nanoTime();
    float[][] images = new float[classes * samplesPerClass][];
    int[] labels = new int[images.length];
    for (int y = 0; y < classes; y++) {
      int[] batch = new int[samplesPerClass];
      Arrays.fill(batch, y);
      float[][] drawn = sampler.generate(batch, Seeds.derive(seed, y));
      System.arraycopy(drawn, 0, images, y * samplesPerClass, samplesPerClass);
      Arrays.fill(labels, y * samplesPerClass, (y + 1) * samplesPerClass, y);
    }
    return score(images, labels, iterations, seed, t0);
  }

  /**
   * Scores given images as if a generator had drawn image i for {@code labels[i]}.
   *
   * @param images n images of S·S·C floats in [−1, 1], row-major HWC
   * @param labels n classes in 0..K−1
   */
  public EvaluationReport evaluate(float[][] images, int[] labels) {
    return score(images, labels, null, null, System.nanoTime());
  }

  private EvaluationReport score(
      float[][] images, int[] labels, Long iterations, Long seed, long t0) {
    if (images.length != labels.length || images.length < 2) {
      throw new IllegalArgumentException(
          "need at least 2 images with one label each, got "
              + images.length
              + " images and "
              + labels.length
              + " labels");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + i + " is " + labels[i] + ", expected 0.." + (classes - 1));
      }
    }
    DigitClassifier.Predictions p = classifier.predict(images);
    int[] predicted = p.classes();
    double[] accuracy = Scores.accuracyPerClass(predicted, labels, classes);
    double[] diversity = diversityPerClass(p.features(), labels);
    int[] counts = new int[classes];
    for (int label : labels) {
      counts[label]++;
    }
    List<EvaluationReport.ClassStats> perClass = new ArrayList<>();
    double[] ratios = new double[classes];
    for (int y = 0; y < classes; y++) {
      ratios[y] = diversity[y] / realDiversity[y];
      perClass.add(
          new EvaluationReport.ClassStats(
              y, counts[y], accuracy[y], diversity[y], realDiversity[y], ratios[y]));
    }
    double fd = Frechet.distance(Frechet.Gaussian.fit(p.features()), realGaussian);
    return new EvaluationReport(
        null,
        iterations,
        seed,
        images.length,
        Scores.accuracy(predicted, labels),
        fd,
        Scores.classifierScore(p.probabilities()),
        mean(ratios),
        perClass,
        real,
        (System.nanoTime() - t0) / 1e9);
  }

  /** The real held-out references (the same in every report of this evaluator). */
  public EvaluationReport.Real real() {
    return real;
  }

  /** The classifier, e.g. to label other images. */
  public DigitClassifier classifier() {
    return classifier;
  }

  /** Mean pairwise feature distance within each class; NaN for a class with fewer than 2. */
  private double[] diversityPerClass(float[][] features, int[] labels) {
    double[] out = new double[classes];
    for (int y = 0; y < classes; y++) {
      List<float[]> members = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == y) {
          members.add(features[i]);
        }
      }
      out[y] =
          members.size() < 2
              ? Double.NaN
              : Scores.meanPairwiseDistance(members.toArray(new float[0][]));
    }
    return out;
  }

  /** Mean of the finite values; NaN if there is none. */
  private static double mean(double[] values) {
    return Arrays.stream(values).filter(Double::isFinite).average().orElse(Double.NaN);
  }

  @Override
  public void close() {
    classifier.close();
  }
}
