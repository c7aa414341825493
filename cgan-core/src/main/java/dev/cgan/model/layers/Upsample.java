package dev.cgan.model.layers;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.image.ResizeNearestNeighbor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Doubles the height and width of NHWC feature maps and maps {@code in} to {@code out} channels, x
 * [batch, H, W, in] → [batch, 2H, 2W, out], in one of two ways:
 *
 * <ul>
 *   <li>{@link Mode#TRANSPOSED}: a 4×4 transposed convolution with stride 2 (DCGAN);
 *   <li>{@link Mode#RESIZE}: nearest-neighbour ×2, then a 3×3 convolution (Odena, Dumoulin and
 *       Olah, "Deconvolution and checkerboard artifacts", 2016): every output pixel sees the same
 *       number of kernel taps, so no checkerboard is built in.
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
    Operand<TInt32> hw =
        tf.constant(new int[] {2 * Conv2d.staticSide(x, 1), 2 * Conv2d.staticSide(x, 2)});
    return conv.apply(
        tf, tf.image.resizeNearestNeighbor(x, hw, new ResizeNearestNeighbor.Options[0]));
  }

  public List<Variable<TFloat32>> trainableVariables() {
    return conv.trainableVariables();
  }
}
