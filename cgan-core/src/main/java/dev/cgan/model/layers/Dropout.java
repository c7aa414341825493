package dev.cgan.model.layers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Inverted dropout, as PyTorch's: keep each value with probability 1−rate and scale the kept ones
 * by 1/(1−rate). The mask is drawn by a stateless generator from the step's seed and the layer's
 * number, so a resumed run draws exactly the masks it would have drawn, and the two discriminators
 * (MLP and conv) share one recipe.
 */
public final class Dropout {
  private Dropout() {}

  /**
   * {@code x} with dropout, or {@code x} itself when {@code seed} is null (inference) or {@code
   * rate} is 0.
   *
   * @param seed int64 [2] key of the step's masks
   * @param layer the layer's number inside its network; each gives an independent mask
   */
  public static Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> x, float rate, Operand<TInt64> seed, long layer) {
    Operand<TFloat32> mask = mask(tf, x, rate, seed, layer);
    return mask == null ? x : tf.math.mul(x, mask);
  }

  /**
   * The factor {@link #apply} multiplies {@code x} by: 0 where dropped, 1/(1−rate) where kept; null
   * where {@link #apply} returns {@code x} itself. The same factor is the backward pass's.
   */
  public static Operand<TFloat32> mask(
      Ops tf, Operand<TFloat32> x, float rate, Operand<TInt64> seed, long layer) {
    if (seed == null || rate == 0f) {
      return null;
    }
    Operand<TInt64> layerSeed =
        tf.math.add(seed, tf.constant(new long[] {layer * 0x632BE59BD9B4E019L, 0}));
    Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.shape(x), layerSeed, TFloat32.class);
    Operand<TFloat32> keep =
        tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant(rate)), TFloat32.class);
    return tf.math.mul(keep, tf.constant(1f / (1f - rate)));
  }
}
