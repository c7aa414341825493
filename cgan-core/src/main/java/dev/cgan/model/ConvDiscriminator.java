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
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.data.LeakyReluGrad;
import org.tensorflow.op.nn.LeakyRelu;
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
 * Variables are named {@code D_…}; every call of {@link #apply} shares them. With the label
 * channel, the first convolution's share of it depends on the label alone and is computed once per
 * class. The backward pass is written out ({@link #applyWithSharedBackward}), so that L_G and L_D
 * share it.
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
    return forward(tf, images, labels, dropoutSeed).score;
  }

  @Override
  public SharedBackward applyWithSharedBackward(
      Ops tf, Operand<TFloat32> images, Operand<TInt32> labels, Operand<TInt64> dropoutSeed) {
    return forward(tf, images, labels, dropoutSeed);
  }

  private Pass forward(
      Ops tf, Operand<TFloat32> images, Operand<TInt32> labels, Operand<TInt64> dropoutSeed) {
    CganConfig c = plan.config();
    Pass pass = new Pass(images, labels);
    Operand<TFloat32> h =
        tf.reshape(images, tf.constant(new int[] {-1, c.imageSize(), c.imageSize(), c.channels()}));
    pass.label = labelEmbedding.apply(tf, labels);
    for (int i = 0; i < convs.size(); i++) {
      pass.inputs.add(h);
      Conv2d conv = convs.get(i);
      Operand<TFloat32> a;
      if (i == 0 && plan.conditioning() == ConvPlan.Conditioning.CHANNEL) {
        // conv₀(concat(x, plane_y)) = conv₀'s image channels on x + its label channel on plane_y:
        // the second depends on y alone, so it is computed once per class and gathered.
        pass.planes =
            tf.reshape(
                labelEmbedding.table(),
                tf.constant(new int[] {c.numClasses(), c.imageSize(), c.imageSize(), 1}));
        Operand<TFloat32> perClass = conv.applyToChannels(tf, pass.planes, c.channels(), 1);
        a =
            tf.math.add(
                conv.addBias(tf, conv.applyToChannels(tf, h, 0, c.channels())),
                tf.gather(perClass, labels, tf.constant(0)));
      } else {
        a = conv.apply(tf, h);
      }
      Operand<TFloat32> mask = i > 0 ? Dropout.mask(tf, a, c.dropoutRate(), dropoutSeed, i) : null;
      if (mask != null) {
        a = tf.math.mul(a, mask);
      }
      pass.masks.add(mask);
      pass.preActivations.add(a);
      h = tf.nn.leakyRelu(a, LeakyRelu.alpha(c.leakySlope()));
    }
    pass.lastShape = tf.shape(h);
    pass.features = tf.reshape(h, tf.constant(new int[] {-1, plan.features()}));
    Operand<TFloat32> score = head.apply(tf, pass.features);
    if (plan.conditioning() == ConvPlan.Conditioning.PROJECTION) {
      Operand<TFloat32> projection =
          tf.reduceSum(
              tf.math.mul(pass.features, pass.label),
              tf.constant(new int[] {1}),
              ReduceSum.keepDims(true));
      score = tf.math.add(score, projection);
    }
    pass.score = score;
    return pass;
  }

  /** What the forward pass keeps for the backward one, layer by layer. */
  private final class Pass implements SharedBackward {
    final Operand<TFloat32> images;
    final Operand<TInt32> labels;
    final List<Operand<TFloat32>> inputs = new ArrayList<>();
    final List<Operand<TFloat32>> masks = new ArrayList<>();
    final List<Operand<TFloat32>> preActivations = new ArrayList<>();
    Operand<TFloat32> label;
    Operand<TFloat32> planes;
    Operand<TInt32> lastShape;
    Operand<TFloat32> features;
    Operand<TFloat32> score;

    Pass(Operand<TFloat32> images, Operand<TInt32> labels) {
      this.images = images;
      this.labels = labels;
    }

    @Override
    public Operand<TFloat32> scores() {
      return score;
    }

    /** The forward pass read backwards, with ∂sᵢ/∂sᵢ = 1 (see {@link SharedBackward}). */
    @Override
    public Gradients gradients(Ops tf, Operand<TFloat32> w, Operand<TFloat32> v) {
      CganConfig c = plan.config();
      Operand<TFloat32> perImageW = tf.reshape(w, tf.constant(new int[] {-1, 1, 1, 1}));
      Operand<TFloat32> dFeatures = head.inputGradient(tf, tf.onesLike(score));
      if (plan.conditioning() == ConvPlan.Conditioning.PROJECTION) {
        dFeatures = tf.math.add(dFeatures, label);
      }
      List<Operand<TFloat32>> convGrads = new ArrayList<>();
      Operand<TFloat32> labelGrad = null;
      Operand<TFloat32> d = tf.reshape(dFeatures, lastShape);
      for (int i = convs.size() - 1; i >= 0; i--) {
        Conv2d conv = convs.get(i);
        Operand<TFloat32> x = inputs.get(i);
        Operand<TFloat32> da =
            tf.data.leakyReluGrad(d, preActivations.get(i), LeakyReluGrad.alpha(c.leakySlope()));
        if (masks.get(i) != null) {
          da = tf.math.mul(da, masks.get(i));
        }
        Operand<TFloat32> daW = tf.math.mul(da, perImageW);
        Operand<TFloat32> kernelGrad = conv.kernelGradient(tf, x, daW);
        if (i == 0 && planes != null) {
          Operand<TFloat32> perClass =
              tf.math.unsortedSegmentSum(daW, labels, tf.constant(c.numClasses()));
          kernelGrad =
              tf.concat(
                  List.of(kernelGrad, conv.kernelGradient(tf, planes, perClass)), tf.constant(2));
          labelGrad =
              tf.reshape(
                  conv.inputGradient(tf, planes, c.channels(), 1, perClass),
                  tf.shape(labelEmbedding.table()));
        }
        convGrads.addAll(0, List.of(kernelGrad, Conv2d.biasGradient(tf, daW)));
        d = conv.inputGradient(tf, x, da);
      }
      if (labelGrad == null) {
        labelGrad = labelEmbedding.gradient(tf, labels, tf.math.mul(features, w));
      }
      List<Operand<TFloat32>> vars = new ArrayList<>();
      vars.add(labelGrad);
      vars.addAll(convGrads);
      vars.addAll(head.gradients(tf, features, w));
      Operand<TFloat32> perImageV = tf.reshape(v, tf.constant(new int[] {-1, 1, 1, 1}));
      Operand<TFloat32> dx = tf.reshape(tf.math.mul(d, perImageV), tf.shape(images));
      return new Gradients(vars, dx);
    }
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
