package dev.cgan.model.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * PyTorch's {@code BatchNorm1d} on [batch, features] (and {@code BatchNorm2d} on [batch, H, W, C]):
 * batch statistics while training (and an update of the running statistics), running statistics at
 * inference.
 *
 * <p>Built from mean and squared difference rather than FusedBatchNorm so that the forward and
 * backward pass are those of PyTorch to the letter: normalise with the biased batch variance, track
 * the unbiased one.
 */
public final class BatchNorm {
  private final float eps;
  private final float momentum;
  private final Variable<TFloat32> gamma;
  private final Variable<TFloat32> beta;
  private final Variable<TFloat32> runningMean;
  private final Variable<TFloat32> runningVar;
  private final List<Op> updates = new ArrayList<>();

  /** The axes a [batch, H, W, C] input is reduced over: one statistic per channel. */
  private static final int[] SPATIAL = {0, 1, 2};

  public BatchNorm(Ops tf, String name, int features, float eps, float momentum) {
    this.eps = eps;
    this.momentum = momentum;
    Ops init = tf.withInitScope();
    gamma =
        tf.withName(name + "_gamma")
            .variable(init.fill(init.constant(new int[] {features}), init.constant(1f)));
    beta =
        tf.withName(name + "_beta")
            .variable(init.fill(init.constant(new int[] {features}), init.constant(0f)));
    runningMean =
        tf.withName(name + "_mean")
            .variable(init.fill(init.constant(new int[] {features}), init.constant(0f)));
    runningVar =
        tf.withName(name + "_var")
            .variable(init.fill(init.constant(new int[] {features}), init.constant(1f)));
  }

  /**
   * x [batch, features] → normalised x of the same shape; or x [batch, H, W, features], with
   * statistics over batch, height and width, as PyTorch's {@code BatchNorm2d}. In training mode
   * this also records the assignments to the running statistics, which the caller must run (see
   * {@link #updates()}).
   */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, boolean training) {
    if (!training) {
      return normalise(tf, x, runningMean, runningVar);
    }
    Operand<TFloat32> mean = tf.math.mean(x, axes(tf, x));
    Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, mean), axes(tf, x));
    Operand<TFloat32> n =
        tf.dtypes.cast(
            x.shape().numDimensions() == 4
                ? tf.reduceProd(tf.gather(tf.shape(x), axes(tf, x), tf.constant(0)), tf.constant(0))
                : tf.gather(tf.shape(x), tf.constant(0), tf.constant(0)),
            TFloat32.class);
    Operand<TFloat32> unbiased =
        tf.math.mul(variance, tf.math.div(n, tf.math.sub(n, tf.constant(1f))));
    updates.add(tf.assign(runningMean, movingAverage(tf, runningMean, tf.stopGradient(mean))));
    updates.add(tf.assign(runningVar, movingAverage(tf, runningVar, tf.stopGradient(unbiased))));
    return normalise(tf, x, mean, variance);
  }

  /** The axes statistics are taken over: the batch, and height and width of feature maps. */
  private static Operand<TInt32> axes(Ops tf, Operand<TFloat32> x) {
    return x.shape().numDimensions() == 4 ? tf.constant(SPATIAL) : tf.constant(0);
  }

  /** The running-statistics assignments added by every training-mode {@link #apply}. */
  public List<Op> updates() {
    return Collections.unmodifiableList(updates);
  }

  public List<Variable<TFloat32>> trainableVariables() {
    return List.of(gamma, beta);
  }

  private Operand<TFloat32> normalise(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> mean, Operand<TFloat32> variance) {
    Operand<TFloat32> scale =
        tf.math.mul(tf.math.rsqrt(tf.math.add(variance, tf.constant(eps))), gamma);
    return tf.math.add(tf.math.mul(tf.math.sub(x, mean), scale), beta);
  }

  private Operand<TFloat32> movingAverage(
      Ops tf, Operand<TFloat32> running, Operand<TFloat32> batch) {
    return tf.math.add(
        tf.math.mul(running, tf.constant(1f - momentum)),
        tf.math.mul(batch, tf.constant(momentum)));
  }
}
