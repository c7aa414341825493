package dev.cgan.serve;

import dev.cgan.image.Tiles;
import dev.cgan.internal.TensorArrays;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Labels;
import dev.cgan.model.Weights;
import dev.cgan.train.internal.Checkpoints;
import dev.cgan.train.internal.RunFolder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A trained generator, ready to draw images: loaded from a training run folder (its newest
 * checkpoint) or from an exported SavedModel. Both use the same in-graph noise recipe, so the same
 * labels and seed give the same pixels either way.
 *
 * <pre>{@code
 * try (CganGenerator g = CganGenerator.load(Path.of("run/saved_model"))) {
 *   BufferedImage strip = g.renderDigits("2026112701", 7L);
 *   float[][] images = g.generate(new int[] {3, 1, 4}, 7L);
 * }
 * }</pre>
 *
 * <p>Thread-safe: concurrent calls share one TensorFlow session. Close it to free native memory.
 */
public final class CganGenerator implements AutoCloseable {
  private final AutoCloseable owner;
  private final Session session;
  private final CganConfig config;
  private final Weights weights;
  private final long iterations;
  private final List<String> classNames;
  private final String labelsName;
  private final String seedName;
  private final String pixelsName;
  private final String imagesName;

  private CganGenerator(
      AutoCloseable owner,
      Session session,
      CganConfig config,
      Weights weights,
      long iterations,
      List<String> classNames,
      String labelsName,
      String seedName,
      String pixelsName,
      String imagesName) {
    this.owner = owner;
    this.session = session;
    this.config = config;
    this.weights = weights;
    this.iterations = iterations;
    this.classNames = classNames;
    this.labelsName = labelsName;
    this.seedName = seedName;
    this.pixelsName = pixelsName;
    this.imagesName = imagesName;
  }

  /**
   * Loads a training run folder (with {@code run.json}) or a SavedModel folder (with {@code
   * saved_model.pb}).
   *
   * @throws IOException naming the path and what was expected when it is neither, or when its
   *     weights do not fit its configuration
   */
  public static CganGenerator load(Path dir) throws IOException {
    return load(dir, null);
  }

  /**
   * As {@link #load(Path)}, with the generator weights wanted: {@link Weights#RAW}, {@link
   * Weights#EMA}, or null for the default (a run's average when it keeps one; what a SavedModel
   * holds).
   *
   * @throws IOException also when those weights are not there: the average of a run that keeps
   *     none, or other weights than a SavedModel was exported with
   */
  public static CganGenerator load(Path dir, Weights weights) throws IOException {
    if (!Files.exists(dir)) {
      throw new IOException(dir + " does not exist");
    }
    if (RunFolder.isRun(dir)) {
      return fromRun(dir, weights);
    }
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      return fromSavedModel(dir, weights);
    }
    throw new IOException(
        dir + " is neither a training run (no run.json) nor a SavedModel (no saved_model.pb)");
  }

  /**
   * The newest checkpoint of the run in {@code runDir} that restores (an older one when the newest
   * is corrupt, with a warning on standard error), in a generator-only inference graph.
   */
  public static CganGenerator fromRun(Path runDir) throws IOException {
    return fromRun(runDir, null);
  }

  /** {@link #fromRun(Path)} with the weights wanted (null: the average when the run keeps one). */
  public static CganGenerator fromRun(Path runDir, Weights weights) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    Weights chosen = RunCheckpoint.choose(run, weights);
    CganConfig config = run.config().spec().model();
    Graph graph = new Graph();
    try {
      GeneratorGraph gg = new GeneratorGraph(graph, config, chosen);
      Session session = new Session(graph);
      Path prefix;
      try {
        prefix = RunCheckpoint.restore(run, session);
      } catch (IOException | RuntimeException e) {
        // Left open, the session would block graph.close() for ever.
        session.close();
        throw e;
      }
      AutoCloseable owner =
          () -> {
            session.close();
            graph.close();
          };
      return new CganGenerator(
          owner,
          session,
          config,
          chosen,
          Checkpoints.iterationOf(prefix),
          run.config().classNames(),
          name(gg.labels),
          name(gg.seed),
          name(gg.seededPixels),
          name(gg.seededImages));
    } catch (IOException | RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** A SavedModel written by {@link SavedModelExport}; its {@code generate} signature is used. */
  public static CganGenerator fromSavedModel(Path dir) throws IOException {
    return fromSavedModel(dir, null);
  }

  /**
   * {@link #fromSavedModel(Path)}, checking that it holds {@code weights} (null: whichever it
   * holds).
   */
  public static CganGenerator fromSavedModel(Path dir, Weights weights) throws IOException {
    ModelMetadata meta = ModelMetadata.read(dir);
    if (weights != null && weights != meta.exportedWeights()) {
      throw new IOException(
          dir
              + " holds the "
              + meta.exportedWeights().id()
              + " weights, not the "
              + weights.id()
              + " ones; export the run again with those");
    }
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.load(dir.toString(), "serve");
    } catch (RuntimeException e) {
      // TensorFlow's errors are not all TensorFlowExceptions (see fromRun).
      throw new IOException(
          dir + ": cannot load SavedModel: " + TensorArrays.firstLine(e.getMessage()), e);
    }
    SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get("generate");
    if (sig == null) {
      bundle.close();
      throw new IOException(dir + ": the SavedModel has no 'generate' signature");
    }
    return new CganGenerator(
        bundle,
        bundle.session(),
        meta.model(),
        meta.exportedWeights(),
        meta.iterations(),
        meta.classNames(),
        sig.getInputsOrThrow("labels").getName(),
        sig.getInputsOrThrow("seed").getName(),
        sig.getOutputsOrThrow("pixels").getName(),
        sig.getOutputsOrThrow("images").getName());
  }

  /** Raw generator output for each label: [n][H·W·C] floats in [−1, 1], row-major HWC. */
  public float[][] generate(int[] labels, long seed) {
    checkLabels(labels);
    try (TInt32 l = TInt32.vectorOf(labels);
        TInt64 s = TInt64.scalarOf(seed);
        Result r = session.runner().feed(labelsName, l).feed(seedName, s).fetch(imagesName).run()) {
      return TensorArrays.rows((TFloat32) r.get(0));
    }
  }

  /** Grey levels for each label, uint8 [n, H, W, C] flattened: round((x + 1)·127.5). */
  public byte[] pixels(int[] labels, long seed) {
    checkLabels(labels);
    try (TInt32 l = TInt32.vectorOf(labels);
        TInt64 s = TInt64.scalarOf(seed);
        Result r = session.runner().feed(labelsName, l).feed(seedName, s).fetch(pixelsName).run()) {
      return TensorArrays.bytes((TUint8) r.get(0));
    }
  }

  /** One row of tiles, left to right, one per label; no padding (W·n × H). */
  public BufferedImage render(int[] labels, long seed) {
    return Tiles.strip(
        pixels(labels, seed),
        labels.length,
        config.imageSize(),
        config.imageSize(),
        config.channels());
  }

  /** A digit string such as "2026112701" rendered as {@link #render} does. */
  public BufferedImage renderDigits(String digits, long seed) {
    return render(Labels.parseDigits(digits, config.numClasses()), seed);
  }

  public CganConfig config() {
    return config;
  }

  /** Which generator weights were loaded: raw or averaged. */
  public Weights weights() {
    return weights;
  }

  /** Training iterations of the loaded weights. */
  public long iterations() {
    return iterations;
  }

  /** Class names in label order, or null when the classes are digits. */
  public List<String> classNames() {
    return classNames;
  }

  private void checkLabels(int[] labels) {
    if (labels.length == 0) {
      throw new IllegalArgumentException("no labels to generate");
    }
    for (int i = 0; i < labels.length; i++) {
      Labels.checkClass(labels[i], i, config.numClasses(), "labels");
    }
  }

  private static String name(org.tensorflow.Operand<?> op) {
    return op.op().name() + ":" + op.asOutput().index();
  }

  @Override
  public void close() {
    try {
      owner.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the generator failed", e);
    }
  }
}
