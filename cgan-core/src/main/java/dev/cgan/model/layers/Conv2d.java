package dev.cgan.model.layers;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.RandomUniform;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A 2-D convolution with "same" padding on NHWC images, x [batch, H, W, in] → [batch, ⌈H/s⌉, ⌈W/s⌉,
 * out], or its transpose (the gradient of such a convolution with respect to its input), x [batch,
 * H, W, in] → [batch, s·H, s·W, out]. Weights and bias start as PyTorch's {@code nn.Conv2d}: U(±1/√
 * fan_in), fan_in = k·k·in (for the transpose, k·k·out, as {@code nn.ConvTranspose2d}).
 *
 * <p>Variables: the kernel {@code <name>_w}, [k, k, in, out] for a convolution and [k, k, out, in]
 * for a transpose (TensorFlow's layouts), and the bias {@code <name>_b} [out].
 */
public final class Conv2d {
  private final Variable<TFloat32> kernel;
  private final Variable<TFloat32> bias;
  private final int stride;
  private final int kernelSide;
  private final int in;
  private final int out;
  private final boolean transposed;

  private Conv2d(Ops tf, String name, int k, int in, int out, int stride, boolean t, long seed) {
    if (k < 1 || in < 1 || out < 1 || stride < 1) {
      throw new IllegalArgumentException(
          "kernel, channels and stride must be positive: " + k + ", " + in + ", " + out);
    }
    this.stride = stride;
    this.kernelSide = k;
    this.in = in;
    this.out = out;
    this.transposed = t;
    double bound = 1.0 / Math.sqrt((double) k * k * (t ? out : in));
    Ops init = tf.withInitScope();
    long[] shape = t ? new long[] {k, k, out, in} : new long[] {k, k, in, out};
    kernel =
        tf.withName(name + "_w")
            .variable(
                new RandomUniform<TFloat32>(-bound, bound, seed)
                    .call(init, init.constant(shape), TFloat32.class));
    bias =
        tf.withName(name + "_b")
            .variable(
                new RandomUniform<TFloat32>(-bound, bound, seed + 1)
                    .call(init, init.constant(new long[] {out}), TFloat32.class));
  }

  /** A k×k convolution from {@code in} to {@code out} channels with the given stride. */
  public static Conv2d of(Ops tf, String name, int k, int in, int out, int stride, long seed) {
    return new Conv2d(tf, name, k, in, out, stride, false, seed);
  }

  /**
   * A k×k transposed convolution from {@code in} to {@code out} channels that multiplies the height
   * and width by {@code stride}.
   */
  public static Conv2d transposed(
      Ops tf, String name, int k, int in, int out, int stride, long seed) {
    return new Conv2d(tf, name, k, in, out, stride, true, seed);
  }

  /** x float32 [batch, H, W, in] → float32 [batch, H', W', out], as the class comment says. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> y =
        transposed
            ? transpose(tf, x, kernel, stride, out)
            : tf.nn.conv2d(x, kernel, strides(), "SAME");
    return tf.nn.biasAdd(y, bias);
  }

  /**
   * The convolution, without the bias, of x [batch, H, W, count] with the kernel's input channels
   * [from, from + count): {@link #apply} of a wider input is the sum of such parts plus the bias,
   * since a convolution is linear in its input. (Not for a transpose.)
   */
  public Operand<TFloat32> applyToChannels(Ops tf, Operand<TFloat32> x, int from, int count) {
    return tf.nn.conv2d(x, kernelChannels(tf, from, count), strides(), "SAME");
  }

  /** y + bias, the rest of {@link #apply} after {@link #applyToChannels}. */
  public Operand<TFloat32> addBias(Ops tf, Operand<TFloat32> y) {
    return tf.nn.biasAdd(y, bias);
  }

  /**
   * Backward through {@link #applyToChannels}: with u = ∂L/∂y, ∂L/∂x [batch, H, W, count].
   * TensorFlow's own gradient of {@code Conv2D}, called directly so that a backward pass can be
   * shared between losses (see {@code SharedBackward}).
   */
  public Operand<TFloat32> inputGradient(
      Ops tf, Operand<TFloat32> x, int from, int count, Operand<TFloat32> u) {
    return tf.nn.conv2dBackpropInput(
        tf.shape(x), kernelChannels(tf, from, count), u, strides(), "SAME");
  }

  /** {@link #inputGradient} of an x that met the kernel's first channels, as many as it has. */
  public Operand<TFloat32> inputGradient(Ops tf, Operand<TFloat32> x, Operand<TFloat32> u) {
    return inputGradient(tf, x, 0, staticSide(x, 3), u);
  }

  /**
   * As {@link #inputGradient}: ∂L/∂ of the kernel's input channels that x [batch, H, W, c] met, [k,
   * k, c, out].
   */
  public Operand<TFloat32> kernelGradient(Ops tf, Operand<TFloat32> x, Operand<TFloat32> u) {
    Operand<TInt32> shape = tf.constant(new int[] {kernelSide, kernelSide, staticSide(x, 3), out});
    return tf.nn.conv2dBackpropFilter(x, shape, u, strides(), "SAME");
  }

  /** ∂L/∂bias [out] for u = ∂L/∂y. */
  public static Operand<TFloat32> biasGradient(Ops tf, Operand<TFloat32> u) {
    return tf.nn.biasAddGrad(u);
  }

  /** The kernel's input channels [from, from + count), all of them without a copy. */
  private Operand<TFloat32> kernelChannels(Ops tf, int from, int count) {
    if (transposed) {
      throw new UnsupportedOperationException("a transpose's input channels are its kernel's last");
    }
    if (from == 0 && count == in) {
      return kernel;
    }
    return tf.slice(
        kernel, tf.constant(new int[] {0, 0, from, 0}), tf.constant(new int[] {-1, -1, count, -1}));
  }

  private List<Long> strides() {
    return List.of(1L, (long) stride, (long) stride, 1L);
  }

  /**
   * The "same" transposed convolution of x [batch, H, W, in] with kernel [k, k, out, in]: [batch,
   * s·H, s·W, out], without a bias.
   */
  static Operand<TFloat32> transpose(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, int stride, int out) {
    // The output's height and width are static: s times the input's.
    Operand<TInt32> outShape =
        tf.concat(
            List.of(
                tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
                tf.constant(new int[] {stride * staticSide(x, 1), stride * staticSide(x, 2), out})),
            tf.constant(0));
    return tf.nn.conv2dBackpropInput(
        outShape, kernel, x, List.of(1L, (long) stride, (long) stride, 1L), "SAME");
  }

  /** Dimension {@code axis} of x's static shape; the networks know every feature map's size. */
  static int staticSide(Operand<TFloat32> x, int axis) {
    long side = x.shape().numDimensions() == 4 ? x.shape().get(axis) : -1;
    if (side < 1) {
      throw new IllegalArgumentException(
          "needs [batch, H, W, C] with a known H and W: " + x.shape());
    }
    return (int) side;
  }

  public Variable<TFloat32> kernel() {
    return kernel;
  }

  Variable<TFloat32> bias() {
    return bias;
  }

  int outChannels() {
    return out;
  }

  /** The kernel, then the bias: what Adam updates. */
  public List<Variable<TFloat32>> trainableVariables() {
    return List.of(kernel, bias);
  }
}
