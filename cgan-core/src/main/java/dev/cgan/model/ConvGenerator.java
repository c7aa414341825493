package dev.cgan.model;

import dev.cgan.internal.Seeds;
import dev.cgan.model.layers.BatchNorm;
import dev.cgan.model.layers.Dense;
import dev.cgan.model.layers.Embedding;
import dev.cgan.model.layers.Upsample;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * G(z, y), DCGAN-style, laid out by {@link ConvPlan} (B the base side, g_i its channels):
 *
 * <pre>
 * x = concat(Embedding(classes, classes)(y), z)
 * x = ReLU(BatchNorm(reshape(Linear(classes + latent, B·B·g₀)(x), [B, B, g₀])))
 * x = block(g₀, g₁); …; block(g_{n−2}, g_{n−1})     # upsample ×2 → BatchNorm → ReLU
 * x = Tanh(upsample ×2 (g_{n−1} → C)(x))             → [batch, H, W, C]
 * </pre>
 *
 * Upsampling is nearest-neighbour ×2 then a 3×3 convolution, or a 4×4 transposed convolution of
 * stride 2 ({@link ConvPlan.Upsampling}). Variables are named as {@link Generator}'s ({@code G_…}
 * or {@code G_ema_…}); the averaged copy's BatchNorm momentum is 1, for the same reason.
 */
public final class ConvGenerator implements GeneratorNetwork {
  private final ConvPlan plan;
  private final Embedding labelEmbedding;
  private final Dense project;
  private final List<BatchNorm> norms = new ArrayList<>();
  private final List<Upsample> ups = new ArrayList<>();

  public ConvGenerator(Ops tf, ConvPlan plan, long seed, Weights weights) {
    this.plan = plan;
    CganConfig c = plan.config();
    String p = weights == Weights.EMA ? "G_ema_" : "G_";
    float momentum = weights == Weights.EMA ? 1f : c.batchNormMomentum();
    labelEmbedding =
        new Embedding(tf, p + "label_emb", c.numClasses(), c.numClasses(), Seeds.derive(seed, 0));
    int b = plan.baseSide();
    project =
        new Dense(
            tf,
            p + "fc0",
            c.numClasses() + c.latentDim(),
            b * b * plan.generatorChannels(0),
            Seeds.derive(seed, 10));
    norms.add(new BatchNorm(tf, p + "bn0", plan.generatorChannels(0), c.batchNormEps(), momentum));
    Upsample.Mode mode =
        plan.upsampling == ConvPlan.Upsampling.TRANSPOSED
            ? Upsample.Mode.TRANSPOSED
            : Upsample.Mode.RESIZE;
    int n = plan.doublings();
    for (int i = 1; i <= n; i++) {
      int in = plan.generatorChannels(i - 1);
      int out = i == n ? c.channels() : plan.generatorChannels(i);
      String name = i == n ? p + "out" : p + "up" + i;
      ups.add(new Upsample(tf, name, mode, in, out, Seeds.derive(seed, 10 + i)));
      if (i < n) {
        norms.add(new BatchNorm(tf, p + "bn" + i, out, c.batchNormEps(), momentum));
      }
    }
  }

  @Override
  public Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> noise, Operand<TInt32> labels, boolean training) {
    return applyToEmbedding(tf, noise, labelEmbedding.apply(tf, labels), training);
  }

  @Override
  public Operand<TFloat32> applyMixed(
      Ops tf, Operand<TFloat32> noise, Operand<TFloat32> labelWeights) {
    return applyToEmbedding(tf, noise, labelEmbedding.mix(tf, labelWeights), false);
  }

  private Operand<TFloat32> applyToEmbedding(
      Ops tf, Operand<TFloat32> noise, Operand<TFloat32> embedded, boolean training) {
    int b = plan.baseSide();
    Operand<TFloat32> x = project.apply(tf, tf.concat(List.of(embedded, noise), tf.constant(-1)));
    x = tf.reshape(x, tf.constant(new int[] {-1, b, b, plan.generatorChannels(0)}));
    x = tf.nn.relu(norms.get(0).apply(tf, x, training));
    for (int i = 0; i < ups.size() - 1; i++) {
      x = tf.nn.relu(norms.get(i + 1).apply(tf, ups.get(i).apply(tf, x), training));
    }
    return tf.math.tanh(ups.get(ups.size() - 1).apply(tf, x));
  }

  @Override
  public List<Variable<TFloat32>> trainableVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    vars.add(labelEmbedding.table());
    vars.addAll(project.trainableVariables());
    vars.addAll(norms.get(0).trainableVariables());
    for (int i = 0; i < ups.size(); i++) {
      vars.addAll(ups.get(i).trainableVariables());
      if (i + 1 < norms.size()) {
        vars.addAll(norms.get(i + 1).trainableVariables());
      }
    }
    return vars;
  }

  @Override
  public List<Op> batchNormUpdates() {
    List<Op> ops = new ArrayList<>();
    norms.forEach(n -> ops.addAll(n.updates()));
    return ops;
  }

  @Override
  public CganConfig config() {
    return plan.config();
  }
}
