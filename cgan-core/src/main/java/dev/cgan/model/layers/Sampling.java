package dev.cgan.model.layers;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The one recipe that turns (labels, seed) into noise and generator output into grey levels. The
 * training run's samples, {@code generate} from a run folder, and the SavedModel's {@code generate}
 * signature all call this, so the same seed gives the same bytes everywhere.
 */
public final class Sampling {
  private Sampling() {}

  /**
   * z ~ N(0, 1), float32 [batch, latentDim] with batch = size of labels, drawn with a stateless
   * Philox generator keyed by the int64 scalar {@code seed}.
   */
  public static Operand<TFloat32> noise(
      Ops tf, Operand<TInt32> labels, Operand<TInt64> seed, int latentDim) {
    Operand<TInt32> shape =
        tf.concat(List.of(tf.shape(labels), tf.constant(new int[] {latentDim})), tf.constant(0));
    return normal(tf, shape, seed);
  }

  /**
   * Noise for {@code labels} with a writer's style and the truncation trick, float32 [batch,
   * latentDim] with batch = size of labels.
   *
   * <ul>
   *   <li>{@code sameStyle} (bool scalar) false: one latent per label, the values of {@link
   *       #noise}; true: one latent for the whole batch (the one {@link #noise} draws for one
   *       label), repeated on every row, so equal labels give equal images.
   *   <li>{@code truncation} (float32 scalar) T > 0: every entry beyond ±T is replaced by a draw
   *       from N(0, 1) conditioned on [−T, T], from its own stream of the seed; entries inside keep
   *       their value. T = 0 or +∞: none. T < 0 or NaN fails the run (an {@code Assert}).
   * </ul>
   *
   * With {@code sameStyle} false and T = 0 the result is {@link #noise}, bit for bit.
   */
  public static Operand<TFloat32> styledNoise(
      Ops tf,
      Operand<TInt32> labels,
      Operand<TInt64> seed,
      Operand<TBool> sameStyle,
      Operand<TFloat32> truncation,
      int latentDim) {
    Operand<TInt32> latent = tf.constant(new int[] {latentDim});
    Operand<TInt32> batch = tf.shape(labels);
    Operand<TInt32> rows = tf.select(sameStyle, tf.constant(new int[] {1}), batch);
    Operand<TFloat32> z = normal(tf, tf.concat(List.of(rows, latent), tf.constant(0)), seed);
    Op valid =
        tf.assertThat(
            tf.math.greaterEqual(truncation, tf.constant(0f)),
            List.of(tf.constant("truncation must be positive, or 0 for none")));
    z = truncate(tf.withControlDependencies(List.of(valid)), z, truncation, seed);
    return tf.broadcastTo(z, tf.concat(List.of(batch, latent), tf.constant(0)));
  }

  /**
   * The truncation trick by inverse transform sampling: for an entry with |z| > T, u ~ U[0, 1) of
   * stream 1 of the seed gives Φ⁻¹(Φ(−T) + u·(Φ(T) − Φ(−T))), in float64. That is the distribution
   * "redraw until inside" converges to, exactly, with one draw per entry whatever T (a fixed number
   * of redraw rounds leaves entries outside for small T; clamping piles them up at ±T).
   */
  private static Operand<TFloat32> truncate(
      Ops tf, Operand<TFloat32> z, Operand<TFloat32> truncation, Operand<TInt64> seed) {
    Operand<TFloat32> bound =
        tf.select(
            tf.math.greater(truncation, tf.constant(0f)),
            truncation,
            tf.constant(Float.POSITIVE_INFINITY));
    Operand<TFloat64> t = tf.dtypes.cast(bound, TFloat64.class);
    // Φ(−T) = erfc(T/√2)/2, and Φ(T) − Φ(−T) = 1 − 2·Φ(−T).
    Operand<TFloat64> below =
        tf.math.mul(tf.math.erfc(tf.math.mul(t, tf.constant(Math.sqrt(0.5)))), tf.constant(0.5));
    Operand<TFloat64> u =
        tf.random.statelessRandomUniform(
            tf.shape(z), tf.stack(List.of(seed, tf.constant(1L))), TFloat64.class);
    Operand<TFloat64> p =
        tf.math.add(
            below,
            tf.math.mul(u, tf.math.sub(tf.constant(1.0), tf.math.mul(below, tf.constant(2.0)))));
    Operand<TFloat32> redrawn =
        tf.clipByValue(tf.dtypes.cast(tf.math.ndtri(p), TFloat32.class), tf.math.neg(bound), bound);
    return tf.select(tf.math.lessEqual(tf.math.abs(z), bound), z, redrawn);
  }

  private static Operand<TFloat32> normal(Ops tf, Operand<TInt32> shape, Operand<TInt64> seed) {
    Operand<TInt64> key = tf.stack(List.of(seed, tf.constant(0L)));
    return tf.random.statelessRandomNormal(shape, key, TFloat32.class);
  }

  /**
   * Images in [−1, 1] → uint8 grey levels, one global mapping round((x + 1)·127.5) clipped to
   * 0..255 (not stretched per image, so contrast reflects the model).
   */
  public static Operand<TUint8> toPixels(Ops tf, Operand<TFloat32> images) {
    Operand<TFloat32> scaled =
        tf.math.round(tf.math.mul(tf.math.add(images, tf.constant(1f)), tf.constant(127.5f)));
    return tf.dtypes.cast(tf.clipByValue(scaled, tf.constant(0f), tf.constant(255f)), TUint8.class);
  }
}
