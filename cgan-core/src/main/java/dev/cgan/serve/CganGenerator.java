package dev.cgan.serve;

import dev.cgan.InvalidSettingException;
import dev.cgan.image.Tiles;
import dev.cgan.internal.TensorArrays;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Labels;
import dev.cgan.model.Weights;
import dev.cgan.run.RunFolder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TBool;
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
 *   BufferedImage oneHand = g.render(new int[] {1, 1, 2}, 7L, Noise.oneStyle());
 *   List<BufferedImage> frames = g.interpolateStyle(new int[] {4, 2}, 7L, 8L, 10);
 * }
 * }</pre>
 *
 * <p>{@link Noise} says how the latents are drawn (one per label or one for all, truncated or not);
 * the methods without it draw one per label, untruncated. The interpolations give frames for {@link
 * dev.cgan.image.Gif} or {@link Tiles#column}. From a SavedModel, these use its {@code
 * generate_styled} and {@code generate_mixed} signatures; one exported before them throws {@link
 * UnsupportedOperationException} (saying to export the run again) for anything but {@link
 * Noise#independent()}.
 *
 * <p>Thread-safe: concurrent calls share one TensorFlow session. Close it to free native memory.
 */
public final class CganGenerator implements AutoCloseable {
  /** The most frames an interpolation draws. */
  public static final int MAX_FRAMES = 1000;

  private final AutoCloseable owner;
  private final Session session;
  private final CganConfig config;
  private final Weights weights;
  private final long iterations;
  private final List<String> classNames;
  private final Path source;
  private final Endpoints at;
  private final Map<String, SessionFunction> signatures;

  private CganGenerator(GeneratorLoader.Loaded m) {
    this.owner = m.owner();
    this.session = m.session();
    this.config = m.config();
    this.weights = m.weights();
    this.iterations = m.iterations();
    this.classNames = m.classNames();
    this.source = m.source();
    this.signatures = m.signatures();
    this.at = Endpoints.of(signatures);
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
    return new CganGenerator(GeneratorLoader.fromRun(runDir, weights));
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
    return new CganGenerator(GeneratorLoader.fromSavedModel(dir, weights));
  }

  /**
   * The model's signatures by key, in key order: {@code generate}, {@code generate_mixed}, {@code
   * generate_styled}, {@code serving_default} (a SavedModel exported by an older cgan-java may lack
   * the styled and mixed ones). Their inputs and outputs name the graph's tensors, dtypes and
   * shapes, as a SavedModel's {@code MetaGraphDef} does; a run folder gives the signatures its
   * export would have.
   */
  public Map<String, Signature> signatures() {
    Map<String, Signature> out = new LinkedHashMap<>();
    signatures.forEach((key, f) -> out.put(key, f.signature()));
    return out;
  }

  /**
   * Runs signature {@code key} on {@code inputs} (one tensor per input of the signature, by its
   * name; dtypes as the signature says), as TensorFlow Serving's {@code Predict} does: no check of
   * label ranges or shapes beyond TensorFlow's own. The caller closes the result, which holds one
   * tensor per output, by name. Thread-safe, as the rest.
   *
   * @throws IllegalArgumentException for a key that is not a signature, or inputs that are not
   *     exactly the signature's
   */
  public Result call(String key, Map<String, Tensor> inputs) {
    SessionFunction f = signatures.get(key);
    if (f == null) {
      throw new IllegalArgumentException(
          "no signature '" + key + "'; the model has " + String.join(", ", signatures.keySet()));
    }
    if (!f.signature().inputNames().equals(inputs.keySet())) {
      throw new IllegalArgumentException(
          "signature '"
              + key
              + "' takes the inputs "
              + new TreeSet<>(f.signature().inputNames())
              + ", got "
              + new TreeSet<>(inputs.keySet()));
    }
    return f.call(inputs);
  }

  /** Raw generator output for each label: [n][H·W·C] floats in [−1, 1], row-major HWC. */
  public float[][] generate(int[] labels, long seed) {
    checkLabels(labels);
    try (TInt32 l = TInt32.vectorOf(labels);
        TInt64 s = TInt64.scalarOf(seed);
        Result r =
            session.runner().feed(at.labels(), l).feed(at.seed(), s).fetch(at.images()).run()) {
      return TensorArrays.rows((TFloat32) r.get(0));
    }
  }

  /**
   * {@link #generate(int[], long)} with the latents drawn as {@code noise} says; {@link
   * Noise#independent()} gives the same floats.
   */
  public float[][] generate(int[] labels, long seed, Noise noise) {
    if (noise.equals(Noise.independent())) {
      return generate(labels, seed);
    }
    try (Result r = runStyled(labels, seed, noise, at.styledImages())) {
      return TensorArrays.rows((TFloat32) r.get(0));
    }
  }

  /** Grey levels for each label, uint8 [n, H, W, C] flattened: round((x + 1)·127.5). */
  public byte[] pixels(int[] labels, long seed) {
    checkLabels(labels);
    try (TInt32 l = TInt32.vectorOf(labels);
        TInt64 s = TInt64.scalarOf(seed);
        Result r =
            session.runner().feed(at.labels(), l).feed(at.seed(), s).fetch(at.pixels()).run()) {
      return TensorArrays.bytes((TUint8) r.get(0));
    }
  }

  /**
   * {@link #pixels(int[], long)} with the latents drawn as {@code noise} says; {@link
   * Noise#independent()} gives the same bytes.
   */
  public byte[] pixels(int[] labels, long seed, Noise noise) {
    if (noise.equals(Noise.independent())) {
      return pixels(labels, seed);
    }
    try (Result r = runStyled(labels, seed, noise, at.styledPixels())) {
      return TensorArrays.bytes((TUint8) r.get(0));
    }
  }

  /**
   * The latent vectors the generator is given for {@code labels}: [n][latent], drawn from {@code
   * seed} as {@code noise} says (with {@link Noise#independent()}, those behind {@link
   * #generate(int[], long)}).
   */
  public float[][] latents(int[] labels, long seed, Noise noise) {
    try (Result r = runStyled(labels, seed, noise, at.styledNoise())) {
      return TensorArrays.rows((TFloat32) r.get(0));
    }
  }

  /** One row of tiles, left to right, one per label; no padding (W·n × H). */
  public BufferedImage render(int[] labels, long seed) {
    return strip(pixels(labels, seed), labels.length);
  }

  /** {@link #render(int[], long)} with the latents drawn as {@code noise} says. */
  public BufferedImage render(int[] labels, long seed, Noise noise) {
    return strip(pixels(labels, seed, noise), labels.length);
  }

  /** A digit string such as "2026112701" rendered as {@link #render} does. */
  public BufferedImage renderDigits(String digits, long seed) {
    return render(Labels.parseDigits(digits, config.numClasses()), seed);
  }

  /**
   * Style interpolation: {@code labels} as one row of tiles in each of {@code frames} frames, every
   * tile of frame k drawn from one latent that moves from {@code fromSeed}'s style to {@code
   * toSeed}'s along the great circle between them (spherical interpolation, at t = k / (frames −
   * 1)). The first and last frames are {@link #render(int[], long, Noise)} of the two seeds with
   * {@link Noise#oneStyle()}.
   *
   * <p>Spherical, not linear: latents of N(0, I) in {@code latent} dimensions have a norm close to
   * √latent; the straight line between two of them passes through latents of a norm the generator
   * has hardly seen (about 0.71·√latent halfway between two orthogonal ones), the arc does not.
   *
   * @return the frames, each W·n × H
   * @throws IllegalArgumentException for a label that is not a class, or fewer than 2 frames
   * @throws UnsupportedOperationException for a SavedModel exported without {@code generate_mixed}
   */
  public List<BufferedImage> interpolateStyle(
      int[] labels, long fromSeed, long toSeed, int frames) {
    checkLabels(labels);
    checkFrames(frames);
    float[] from = styleOf(fromSeed), to = styleOf(toSeed);
    float[][] weights = new float[labels.length][config.numClasses()];
    for (int i = 0; i < labels.length; i++) {
      weights[i][labels[i]] = 1f;
    }
    List<BufferedImage> out = new ArrayList<>(frames);
    for (int k = 0; k < frames; k++) {
      float[][] noise = new float[labels.length][];
      Arrays.fill(noise, slerp(from, to, k / (double) (frames - 1)));
      out.add(strip(mixedPixels(noise, weights), labels.length));
    }
    return out;
  }

  /**
   * Class interpolation, as in the Keras conditional GAN example: one latent ({@code seed}'s style,
   * as {@link Noise#oneStyle()} draws it), and a label embedding that moves from class {@code
   * fromClass}'s to class {@code toClass}'s, (1 − t)·E[from] + t·E[to] at t = k / (frames − 1). The
   * first and last frames are those two classes drawn in that style.
   *
   * @return the frames, one tile each (W × H)
   * @throws IllegalArgumentException for a class the model does not have, or fewer than 2 frames
   * @throws UnsupportedOperationException for a SavedModel exported without {@code generate_mixed}
   */
  public List<BufferedImage> interpolateClasses(int fromClass, int toClass, long seed, int frames) {
    Labels.checkClass(fromClass, 0, config.numClasses(), "classes");
    Labels.checkClass(toClass, 1, config.numClasses(), "classes");
    checkFrames(frames);
    float[][] noise = {styleOf(seed)};
    List<BufferedImage> out = new ArrayList<>(frames);
    for (int k = 0; k < frames; k++) {
      float t = (float) (k / (double) (frames - 1));
      float[][] weights = new float[1][config.numClasses()];
      weights[0][fromClass] += 1f - t;
      weights[0][toClass] += t;
      out.add(strip(mixedPixels(noise, weights), 1));
    }
    return out;
  }

  /**
   * Refuses a frame count an interpolation cannot draw, before anything runs.
   *
   * @throws InvalidSettingException "frames must be 2 to 1000 (the two ends and the steps between),
   *     got 0"
   */
  public static void checkFrames(int frames) {
    if (frames < 2 || frames > MAX_FRAMES) {
      throw new InvalidSettingException(
          "frames",
          "must be 2 to " + MAX_FRAMES + " (the two ends and the steps between), got " + frames);
    }
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

  /** A run of the {@code generate_styled} path; the caller closes the result. */
  private Result runStyled(int[] labels, long seed, Noise noise, String fetch) {
    checkLabels(labels);
    require(at.styledPixels(), "generate_styled");
    // The graph takes 0 for "no truncation"; +∞ means the same to it.
    try (TInt32 l = TInt32.vectorOf(labels);
        TInt64 s = TInt64.scalarOf(seed);
        TBool same = TBool.scalarOf(noise.sameStyle());
        TFloat32 t = TFloat32.scalarOf(noise.truncated() ? noise.truncation() : 0f)) {
      return session
          .runner()
          .feed(at.labels(), l)
          .feed(at.seed(), s)
          .feed(at.sameStyle(), same)
          .feed(at.truncation(), t)
          .fetch(fetch)
          .run();
    }
  }

  /** G(noise, weights · label table) as grey levels: noise [n][latent], weights [n][classes]. */
  private byte[] mixedPixels(float[][] noise, float[][] weights) {
    require(at.mixedPixels(), "generate_mixed");
    try (TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
        TFloat32 w = TFloat32.tensorOf(StdArrays.ndCopyOf(weights));
        Result r =
            session
                .runner()
                .feed(at.noise(), z)
                .feed(at.labelWeights(), w)
                .fetch(at.mixedPixels())
                .run()) {
      return TensorArrays.bytes((TUint8) r.get(0));
    }
  }

  /** The one latent {@link Noise#oneStyle()} draws for {@code seed}. */
  private float[] styleOf(long seed) {
    return latents(new int[] {0}, seed, Noise.oneStyle())[0];
  }

  /**
   * Spherical interpolation from {@code a} (t = 0) to {@code b} (t = 1) on the arc between them,
   * the norm moving from |a| to |b| along it; linear where they are (anti)parallel. The ends are
   * {@code a} and {@code b} exactly.
   */
  static float[] slerp(float[] a, float[] b, double t) {
    double dot = 0, aa = 0, bb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    double omega = Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(aa * bb))));
    double sin = Math.sin(omega);
    double wa = sin < 1e-6 ? 1 - t : Math.sin((1 - t) * omega) / sin;
    double wb = sin < 1e-6 ? t : Math.sin(t * omega) / sin;
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (float) (wa * a[i] + wb * b[i]);
    }
    return out;
  }

  private void require(String endpoint, String signature) {
    if (endpoint == null) {
      throw new UnsupportedOperationException(
          source
              + " has no '"
              + signature
              + "' signature (exported by an older cgan-java); export the run again");
    }
  }

  private BufferedImage strip(byte[] pixels, int count) {
    return Tiles.strip(pixels, count, config.imageSize(), config.imageSize(), config.channels());
  }

  private void checkLabels(int[] labels) {
    if (labels.length == 0) {
      throw new IllegalArgumentException("no labels to generate");
    }
    for (int i = 0; i < labels.length; i++) {
      Labels.checkClass(labels[i], i, config.numClasses(), "labels");
    }
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
