package dev.cgan.model.layers;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Doubles the height and width of NHWC feature maps and maps {@code in} to {@code out} channels, x
 * [batch, H, W, in] → [batch, 2H, 2W, out], in one of two ways:
 *
 * <ul>
 *   <li>{@link Mode#TRANSPOSED}: a 4×4 transposed convolution with stride 2 (DCGAN);
 *   <li>{@link Mode#RESIZE}: nearest-neighbour ×2, then a 3×3 convolution (Odena, Dumoulin and
 *       Olah, "Deconvolution and checkerboard artifacts", 2016): every output pixel sees the same
 *       number of kernel taps, so no checkerboard is built in. Its variables are the 3×3
 *       convolution's; it runs as the equal 4×4 stride-2 transpose ({@link
 *       #nearestDoublingKernel}), which costs 4 taps per output pixel instead of 9.
 * </ul>
 *
 * Variables: those of one {@link Conv2d} named {@code name}.
 */
public final class Upsample {
  /** How the resolution is doubled. */
  public enum Mode {
    TRANSPOSED,
    RESIZE
  }

  private final Mode mode;
  private final Conv2d conv;

  public Upsample(Ops tf, String name, Mode mode, int in, int out, long seed) {
    this.mode = mode;
    this.conv =
        mode == Mode.TRANSPOSED
            ? Conv2d.transposed(tf, name, 4, in, out, 2, seed)
            : Conv2d.of(tf, name, 3, in, out, 1, seed);
  }

  /** x float32 [batch, H, W, in] → float32 [batch, 2H, 2W, out]. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    if (mode == Mode.TRANSPOSED) {
      return conv.apply(tf, x);
    }
    return tf.nn.biasAdd(
        Conv2d.transpose(tf, x, nearestDoublingKernel(tf, conv.kernel()), 2, conv.outChannels()),
        conv.bias());
  }

  /**
   * The 4×4 kernel [4, 4, out, in] of the stride-2 transposed convolution that equals nearest ×2
   * followed by the 3×3 "same" convolution w [3, 3, in, out]. Computed this way, each output pixel
   * costs 4 taps instead of 9 (2.25 times fewer multiply-adds in the layer and in both of its
   * gradients), and the function is the same: the rounding differs, as any reordering of a sum.
   *
   * <p>In one dimension, output 2m sees input m−1 through w₀ and input m through w₁ and w₂ (both of
   * its upsampled neighbours are copies of m), output 2m+1 sees m through w₀ and w₁ and m+1 through
   * w₂; a "same" 4×4 stride-2 transpose gives output 2m k₁·x[m] + k₃·x[m−1] and output 2m+1
   * k₀·x[m+1] + k₂·x[m], so k = (w₂, w₁+w₂, w₀+w₁, w₀) = A·w, and in two dimensions K = A·w·Aᵀ for
   * every pair of channels. Zero padding agrees at the borders: the upsampled picture's padding is
   * the input's.
   */
  static Operand<TFloat32> nearestDoublingKernel(Ops tf, Operand<TFloat32> w) {
    int in = (int) w.shape().get(2);
    int out = (int) w.shape().get(3);
    int pairs = in * out;
    Operand<TFloat32> a = tf.constant(new float[][] {{0, 0, 1}, {0, 1, 1}, {1, 1, 0}, {1, 0, 0}});
    // Rows: [3 (dy), 3·pairs] → [4 (ky), 3 (dx), pairs].
    Operand<TFloat32> rows =
        tf.linalg.matMul(a, tf.reshape(w, tf.constant(new int[] {3, 3 * pairs})));
    // Columns: [3 (dx), 4·pairs] → [4 (kx), 4 (ky), in, out].
    Operand<TFloat32> byColumn =
        tf.reshape(
            tf.linalg.transpose(
                tf.reshape(rows, tf.constant(new int[] {4, 3, pairs})),
                tf.constant(new int[] {1, 0, 2})),
            tf.constant(new int[] {3, 4 * pairs}));
    Operand<TFloat32> k =
        tf.reshape(tf.linalg.matMul(a, byColumn), tf.constant(new int[] {4, 4, in, out}));
    return tf.linalg.transpose(k, tf.constant(new int[] {1, 0, 3, 2}));
  }

  public List<Variable<TFloat32>> trainableVariables() {
    return conv.trainableVariables();
  }
}
