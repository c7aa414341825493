package dev.cgan.model;

import dev.cgan.internal.Seeds;
import dev.cgan.model.layers.BatchNorm;
import dev.cgan.model.layers.Dense;
import dev.cgan.model.layers.Embedding;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * G(z, y): the reference generator.
 *
 * <pre>
 * x = concat(Embedding(classes, classes)(y), z)
 * x = LeakyReLU(Linear(classes + latent, 128)(x))
 * x = block(128, 256); block(256, 512); block(512, 1024)   # Linear → BatchNorm → LeakyReLU
 * x = Tanh(Linear(1024, C·H·W)(x))  → [batch, H, W, C]
 * </pre>
 *
 * <p>The constructor creates the variables (names start with {@code G_}, or {@code G_ema_} for the
 * averaged copy); {@link #apply} may be called several times, in training or inference mode, and
 * every call shares them.
 */
public final class Generator implements GeneratorNetwork {
  private static final int[] WIDTHS = {128, 256, 512, 1024};

  /**
   * Output widths of G's hidden Linear layers, in order; every one but the first is followed by a
   * BatchNorm. The last Linear maps the last of them to C·H·W pixels.
   */
  public static int[] hiddenWidths() {
    return WIDTHS.clone();
  }

  private final CganConfig config;
  private final Embedding labelEmbedding;
  private final List<Dense> dense = new ArrayList<>();
  private final List<BatchNorm> norms = new ArrayList<>();

  /** The generator the optimiser trains, its variables named {@code G_…}. */
  public Generator(Ops tf, CganConfig config, long seed) {
    this(tf, config, seed, Weights.RAW);
  }

  /**
   * A generator whose variables are named for {@code weights}: {@code G_…} for {@link Weights#RAW},
   * {@code G_ema_…} for {@link Weights#EMA}. Both start from the same draw of {@code seed}, so an
   * average starts equal to the weights it follows.
   *
   * <p>The averaged copy's BatchNorm layers have momentum 1: one training-mode pass sets their
   * running statistics to that batch's, which is how they are recomputed for the averaged weights
   * (running statistics of the raw weights do not fit the average).
   */
  public Generator(Ops tf, CganConfig config, long seed, Weights weights) {
    this.config = config;
    String p = weights == Weights.EMA ? "G_ema_" : "G_";
    float momentum = weights == Weights.EMA ? 1f : config.batchNormMomentum();
    labelEmbedding =
        new Embedding(
            tf, p + "label_emb", config.numClasses(), config.numClasses(), Seeds.derive(seed, 0));
    int in = config.numClasses() + config.latentDim();
    for (int i = 0; i < WIDTHS.length; i++) {
      dense.add(new Dense(tf, p + "fc" + i, in, WIDTHS[i], Seeds.derive(seed, 10 + i)));
      if (i > 0) {
        norms.add(new BatchNorm(tf, p + "bn" + i, WIDTHS[i], config.batchNormEps(), momentum));
      }
      in = WIDTHS[i];
    }
    dense.add(
        new Dense(
            tf,
            p + "fc" + WIDTHS.length,
            in,
            config.imagePixels(),
            Seeds.derive(seed, 10 + WIDTHS.length)));
  }

  /**
   * noise float32 [batch, latent], labels int32 [batch] → images float32 [batch, H, W, C] in (−1,
   * 1). With {@code training}, BatchNorm uses batch statistics and queues the running-average
   * updates returned by {@link #batchNormUpdates()}.
   */
  public Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> noise, Operand<TInt32> labels, boolean training) {
    return applyToEmbedding(tf, noise, labelEmbedding.apply(tf, labels), training);
  }

  /**
   * G on a mix of label embeddings, in inference mode: noise float32 [batch, latent], labelWeights
   * float32 [batch, classes] (row i weighs the classes of image i) → images float32 [batch, H, W,
   * C]. The embedding is labelWeights · the label table instead of a lookup, so a one-hot row gives
   * the images of {@link #apply} for that label; a row (1 − t, t) over two classes is the class
   * interpolation of the Keras conditional GAN example. Uses the same variables.
   */
  public Operand<TFloat32> applyMixed(
      Ops tf, Operand<TFloat32> noise, Operand<TFloat32> labelWeights) {
    return applyToEmbedding(tf, noise, labelEmbedding.mix(tf, labelWeights), false);
  }

  private Operand<TFloat32> applyToEmbedding(
      Ops tf, Operand<TFloat32> noise, Operand<TFloat32> embedded, boolean training) {
    Operand<TFloat32> x = tf.concat(List.of(embedded, noise), tf.constant(-1));
    x = leaky(tf, dense.get(0).apply(tf, x));
    for (int i = 1; i < WIDTHS.length; i++) {
      x = leaky(tf, norms.get(i - 1).apply(tf, dense.get(i).apply(tf, x), training));
    }
    x = tf.math.tanh(dense.get(WIDTHS.length).apply(tf, x));
    return tf.reshape(
        x, tf.constant(new int[] {-1, config.imageSize(), config.imageSize(), config.channels()}));
  }

  private Operand<TFloat32> leaky(Ops tf, Operand<TFloat32> x) {
    return tf.nn.leakyRelu(x, org.tensorflow.op.nn.LeakyRelu.alpha(config.leakySlope()));
  }

  /** Weights, biases, BatchNorm scales and offsets, and the label table: what Adam updates. */
  public List<Variable<TFloat32>> trainableVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    vars.add(labelEmbedding.table());
    for (int i = 0; i < dense.size(); i++) {
      vars.addAll(dense.get(i).trainableVariables());
      if (i >= 1 && i < WIDTHS.length) {
        vars.addAll(norms.get(i - 1).trainableVariables());
      }
    }
    return vars;
  }

  /** Running-statistics assignments queued by training-mode calls of {@link #apply}. */
  public List<Op> batchNormUpdates() {
    List<Op> ops = new ArrayList<>();
    norms.forEach(n -> ops.addAll(n.updates()));
    return ops;
  }

  public CganConfig config() {
    return config;
  }
}
