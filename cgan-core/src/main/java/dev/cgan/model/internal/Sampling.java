package dev.cgan.model.internal;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
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
