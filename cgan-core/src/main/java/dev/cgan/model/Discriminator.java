package dev.cgan.model;

import dev.cgan.internal.Seeds;
import dev.cgan.model.layers.Dense;
import dev.cgan.model.layers.Dropout;
import dev.cgan.model.layers.Embedding;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * D(x, y): the reference discriminator; a score per image, no sigmoid (least-squares GAN).
 *
 * <pre>
 * x = concat(flatten(img), Embedding(classes, classes)(y))
 * x = LeakyReLU(Linear(C·H·W + classes, 512)(x))
 * x = LeakyReLU(Dropout(0.4)(Linear(512, 512)(x)))
 * x = LeakyReLU(Dropout(0.4)(Linear(512, 512)(x)))
 * x = Linear(512, 1)(x)  → [batch, 1]
 * </pre>
 *
 * <p>Variables are named {@code D_…}; every call of {@link #apply} shares them.
 */
public final class Discriminator implements DiscriminatorNetwork {
  /** Width of D's hidden Linear layers. */
  public static final int WIDTH = 512;

  private final CganConfig config;
  private final Embedding labelEmbedding;
  private final List<Dense> dense = new ArrayList<>();

  public Discriminator(Ops tf, CganConfig config, long seed) {
    this.config = config;
    labelEmbedding =
        new Embedding(
            tf, "D_label_emb", config.numClasses(), config.numClasses(), Seeds.derive(seed, 100));
    // The first layer reads the image and the label embedding: Linear(C·H·W + classes, 512).
    int[][] in = {{config.imagePixels(), config.numClasses()}, {WIDTH}, {WIDTH}, {WIDTH}};
    int[] out = {WIDTH, WIDTH, WIDTH, 1};
    for (int i = 0; i < in.length; i++) {
      dense.add(new Dense(tf, "D_fc" + i, in[i], out[i], Seeds.derive(seed, 110 + i)));
    }
  }

  /**
   * images float32 [batch, H, W, C] (or already flat [batch, C·H·W]), labels int32 [batch] → scores
   * float32 [batch, 1].
   *
   * @param dropoutSeed int64 [2] seed of the stateless dropout masks; {@code null} for inference
   *     (no dropout)
   */
  public Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> images, Operand<TInt32> labels, Operand<TInt64> dropoutSeed) {
    Operand<TFloat32> flat = tf.reshape(images, tf.constant(new int[] {-1, config.imagePixels()}));
    Operand<TFloat32> x =
        leaky(tf, dense.get(0).apply(tf, List.of(flat, labelEmbedding.apply(tf, labels))));
    float rate = config.dropoutRate();
    x = leaky(tf, Dropout.apply(tf, dense.get(1).apply(tf, x), rate, dropoutSeed, 1));
    x = leaky(tf, Dropout.apply(tf, dense.get(2).apply(tf, x), rate, dropoutSeed, 2));
    return dense.get(3).apply(tf, x);
  }

  private Operand<TFloat32> leaky(Ops tf, Operand<TFloat32> x) {
    return tf.nn.leakyRelu(x, org.tensorflow.op.nn.LeakyRelu.alpha(config.leakySlope()));
  }

  /** The label table and every layer's weight and bias. */
  public List<Variable<TFloat32>> trainableVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    vars.add(labelEmbedding.table());
    for (Dense d : dense) {
      vars.addAll(d.trainableVariables());
    }
    return vars;
  }
}
