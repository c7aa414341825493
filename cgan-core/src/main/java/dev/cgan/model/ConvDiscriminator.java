package dev.cgan.model;

import dev.cgan.internal.Seeds;
import dev.cgan.model.layers.Conv2d;
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
 * D(x, y), DCGAN-style, laid out by {@link ConvPlan} (d_i its channels); a score per image, no
 * sigmoid, no BatchNorm, dropout after every convolution but the first (as the reference's D has it
 * after every Linear but the first):
 *
 * <pre>
 * h = x                                       # [batch, H, W, C]
 *     (CHANNEL: concat(x, reshape(Embedding(classes, H·W)(y), [H, W, 1])))
 * h = LeakyReLU(Conv 4×4 stride 2 (→ d₀)(h))
 * h = LeakyReLU(Dropout(Conv 4×4 stride 2 (→ d₁)(h))); …   # up to d_{n−1}
 * φ = flatten(h)                              # [batch, B·B·d_{n−1}]
 * D = Linear(φ, 1)
 *     (PROJECTION: + Σ φ · Embedding(classes, B·B·d_{n−1})(y), Miyato and Koyama 2018; its
 *     table starts N(0, 1/(B·B·d_{n−1})))
 * </pre>
 *
 * Variables are named {@code D_…}; every call of {@link #apply} shares them.
 */
public final class ConvDiscriminator implements DiscriminatorNetwork {
  private final ConvPlan plan;
  private final Embedding labelEmbedding;
  private final List<Conv2d> convs = new ArrayList<>();
  private final Dense head;

  public ConvDiscriminator(Ops tf, ConvPlan plan, long seed) {
    this.plan = plan;
    CganConfig c = plan.config();
    int labelDim =
        plan.conditioning() == ConvPlan.Conditioning.CHANNEL
            ? c.imageSize() * c.imageSize()
            : plan.features();
    // The projection's table starts N(0, 1/dim), so that ⟨embed(y), φ⟩ starts as large as ψ(φ).
    double stddev =
        plan.conditioning() == ConvPlan.Conditioning.CHANNEL ? 1.0 : 1.0 / Math.sqrt(labelDim);
    labelEmbedding =
        new Embedding(tf, "D_label_emb", c.numClasses(), labelDim, Seeds.derive(seed, 100), stddev);
    int in = plan.discriminatorInputChannels();
    for (int i = 0; i < plan.doublings(); i++) {
      int out = plan.discriminatorChannels(i);
      convs.add(
          Conv2d.of(
              tf, "D_conv" + i, ConvPlan.DOWN_KERNEL, in, out, 2, Seeds.derive(seed, 110 + i)));
      in = out;
    }
    head = new Dense(tf, "D_out", plan.features(), 1, Seeds.derive(seed, 120));
  }

  @Override
  public Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> images, Operand<TInt32> labels, Operand<TInt64> dropoutSeed) {
    CganConfig c = plan.config();
    Operand<TFloat32> h =
        tf.reshape(images, tf.constant(new int[] {-1, c.imageSize(), c.imageSize(), c.channels()}));
    Operand<TFloat32> label = labelEmbedding.apply(tf, labels);
    if (plan.conditioning() == ConvPlan.Conditioning.CHANNEL) {
      Operand<TFloat32> plane =
          tf.reshape(label, tf.constant(new int[] {-1, c.imageSize(), c.imageSize(), 1}));
      h = tf.concat(List.of(h, plane), tf.constant(-1));
    }
    for (int i = 0; i < convs.size(); i++) {
      Operand<TFloat32> a = convs.get(i).apply(tf, h);
      if (i > 0) {
        a = Dropout.apply(tf, a, c.dropoutRate(), dropoutSeed, i);
      }
      h = tf.nn.leakyRelu(a, org.tensorflow.op.nn.LeakyRelu.alpha(c.leakySlope()));
    }
    Operand<TFloat32> features = tf.reshape(h, tf.constant(new int[] {-1, plan.features()}));
    Operand<TFloat32> score = head.apply(tf, features);
    if (plan.conditioning() == ConvPlan.Conditioning.PROJECTION) {
      Operand<TFloat32> projection =
          tf.reduceSum(
              tf.math.mul(features, label),
              tf.constant(new int[] {1}),
              org.tensorflow.op.core.ReduceSum.keepDims(true));
      score = tf.math.add(score, projection);
    }
    return score;
  }

  @Override
  public List<Variable<TFloat32>> trainableVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    vars.add(labelEmbedding.table());
    convs.forEach(conv -> vars.addAll(conv.trainableVariables()));
    vars.addAll(head.trainableVariables());
    return vars;
  }
}
