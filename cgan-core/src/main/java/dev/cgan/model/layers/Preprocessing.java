package dev.cgan.model.layers;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** How real images become model inputs, as the reference's transforms do. */
public final class Preprocessing {
  private Preprocessing() {}

  /**
   * uint8 [batch, h, w] grey images → float32 [batch, size, size, 1] in [−1, 1]: bilinear resize
   * (half-pixel centres, the sampling grid of torchvision's Resize) when h or w differs from size,
   * then x / 127.5 − 1 (ToTensor and Normalize(0.5, 0.5)).
   */
  public static Operand<TFloat32> toModelInput(
      Ops tf, Operand<TUint8> images, long h, long w, int size) {
    return toModelInput(tf, images, h, w, 1, size);
  }

  /**
   * As {@link #toModelInput(Ops, Operand, long, long, int)} for C channels: uint8 [batch, h, w] (C
   * = 1) or [batch, h, w, C] → float32 [batch, size, size, C] in [−1, 1]. The resize treats each
   * channel on its own, so a grey set gives the same floats either way.
   */
  public static Operand<TFloat32> toModelInput(
      Ops tf, Operand<TUint8> images, long h, long w, int channels, int size) {
    Operand<TFloat32> x = tf.dtypes.cast(images, TFloat32.class);
    if (channels == 1) {
      x = tf.expandDims(x, tf.constant(-1));
    }
    if (h != size || w != size) {
      x =
          tf.image.resizeBilinear(
              x, tf.constant(new int[] {size, size}), ResizeBilinear.halfPixelCenters(true));
    }
    return tf.math.sub(tf.math.mul(x, tf.constant(2f / 255f)), tf.constant(1f));
  }
}
