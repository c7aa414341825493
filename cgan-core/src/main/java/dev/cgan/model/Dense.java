package dev.cgan.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.RandomUniform;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A fully connected layer {@code x·W + b}, x [batch, in] → [batch, out], float32. Weights and bias
 * start as PyTorch's {@code nn.Linear}: U(−1/√in, 1/√in).
 *
 * <p>A kernel of at least {@link #BLOCKED_FROM_WEIGHTS} weights is kept as {@link #BLOCKS} row
 * blocks W = [W₀; W₁] and applied as x₀·W₀ + x₁·W₁. Mathematically nothing changes; but the two
 * products, their gradients and their Adam updates become independent ops of half the size, which
 * TensorFlow runs on two cores at once, where one 64-row product split across two threads scales
 * poorly (measured in the README's performance section).
 */
public final class Dense {
  /** Row blocks of a large kernel. */
  public static final int BLOCKS = 2;

  /**
   * Kernels with at least this many weights (512 KB) are blocked; smaller ones are cheap anyway.
   */
  public static final long BLOCKED_FROM_WEIGHTS = 1L << 17;

  private final List<Variable<TFloat32>> kernel = new ArrayList<>();
  private final Variable<TFloat32> bias;

  /**
   * Creates the layer's variables: the kernel {@code <name>_w} [in, out], or its row blocks {@code
   * <name>_w_part_<i>} [in/2, out] (the rounding goes to the last block), and the bias {@code
   * <name>_b} [out].
   *
   * @param seed seeds the stateless initialiser, so the same seed gives the same weights, blocked
   *     or not
   */
  public Dense(Ops tf, String name, int in, int out, long seed) {
    double bound = 1.0 / Math.sqrt(in);
    Ops init = tf.withInitScope();
    RandomUniform<TFloat32> w = new RandomUniform<>(-bound, bound, seed);
    RandomUniform<TFloat32> b = new RandomUniform<>(-bound, bound, seed + 1);
    Operand<TFloat32> full = w.call(init, init.constant(new long[] {in, out}), TFloat32.class);
    if ((long) in * out < BLOCKED_FROM_WEIGHTS || in < BLOCKS) {
      kernel.add(tf.withName(name + "_w").variable(full));
    } else {
      List<Operand<TFloat32>> blocks = split(init, full, 0, blockRows(in));
      for (int i = 0; i < blocks.size(); i++) {
        kernel.add(tf.withName(name + "_w_part_" + i).variable(blocks.get(i)));
      }
    }
    bias =
        tf.withName(name + "_b")
            .variable(b.call(init, init.constant(new long[] {out}), TFloat32.class));
  }

  /** x [batch, in] → [batch, out]. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    if (kernel.size() == 1) {
      return tf.nn.biasAdd(tf.linalg.matMul(x, kernel.get(0)), bias);
    }
    int[] rows = new int[kernel.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (int) kernel.get(i).shape().size(0);
    }
    List<Operand<TFloat32>> xs = split(tf, x, 1, rows);
    List<Operand<TFloat32>> products = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      products.add(tf.linalg.matMul(xs.get(i), kernel.get(i)));
    }
    return tf.nn.biasAdd(tf.math.addN(products), bias);
  }

  /** The kernel's variables, in row order: one, or its {@link #BLOCKS} row blocks. */
  public List<Variable<TFloat32>> kernel() {
    return List.copyOf(kernel);
  }

  /** The whole kernel [in, out], the blocks stacked back together. */
  public Operand<TFloat32> fullKernel(Ops tf) {
    return kernel.size() == 1
        ? kernel.get(0)
        : tf.concat(new ArrayList<Operand<TFloat32>>(kernel), tf.constant(0));
  }

  public Variable<TFloat32> bias() {
    return bias;
  }

  /** The kernel's variables, then the bias: what Adam updates. */
  public List<Variable<TFloat32>> trainableVariables() {
    List<Variable<TFloat32>> vars = new ArrayList<>(kernel);
    vars.add(bias);
    return vars;
  }

  private static int[] blockRows(int in) {
    int[] rows = new int[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
      rows[i] = in / BLOCKS + (i == BLOCKS - 1 ? in % BLOCKS : 0);
    }
    return rows;
  }

  private static List<Operand<TFloat32>> split(Ops tf, Operand<TFloat32> x, int axis, int[] sizes) {
    return new ArrayList<>(
        tf.splitV(x, tf.constant(sizes), tf.constant(axis), (long) sizes.length).output());
  }
}
