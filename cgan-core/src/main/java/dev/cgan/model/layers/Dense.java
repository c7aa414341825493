package dev.cgan.model.layers;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.RandomUniform;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * A fully connected layer {@code x·W + b}, x [batch, in] → [batch, out], float32. Weights and bias
 * start as PyTorch's {@code nn.Linear}: U(−1/√in, 1/√in).
 *
 * <p>The kernel is stored as row blocks, W = [W₀; W₁; …], and applied as x₀·W₀ + x₁·W₁ + …, which
 * is the same product. A layer on several inputs (D's first layer, on the image and the label
 * embedding) gets a block per input, so that it needs no concatenation and a gradient wanted for
 * one input only (D's label embedding) does not multiply through the others' rows (D's 1024 image
 * columns). An input's rows of at least {@link #BLOCKED_FROM_WEIGHTS} weights are cut in {@link
 * #BLOCKS} halves: the half-size products, their gradients and their Adam updates are independent
 * ops, which TensorFlow runs on two cores at once, where one 64-row product split across two
 * threads scales poorly.
 */
public final class Dense {
  /** Blocks of an input's large share of the kernel. */
  public static final int BLOCKS = 2;

  /**
   * An input's rows with at least this many weights (512 KB) are cut in blocks; smaller ones are
   * cheap anyway.
   */
  public static final long BLOCKED_FROM_WEIGHTS = 1L << 17;

  private final List<Variable<TFloat32>> kernel = new ArrayList<>();
  private final List<int[]> blockRowsPerInput = new ArrayList<>();
  private final Variable<TFloat32> bias;

  /** A layer on one input of width {@code in}. */
  public Dense(Ops tf, String name, int in, int out, long seed) {
    this(tf, name, new int[] {in}, out, seed);
  }

  /**
   * Creates the layer's variables: the kernel {@code <name>_w} [in, out] where it is one block, or
   * its row blocks {@code <name>_w_part_<i>}, and the bias {@code <name>_b} [out].
   *
   * @param inputWidths the widths of the inputs {@link #apply(Ops, List)} takes, whose
   *     concatenation the layer multiplies
   * @param seed seeds the stateless initialiser, so the same seed gives the same weights, however
   *     they are blocked
   */
  public Dense(Ops tf, String name, int[] inputWidths, int out, long seed) {
    int in = 0;
    for (int width : inputWidths) {
      if (width < 1) {
        throw new IllegalArgumentException("input widths must be positive: " + width);
      }
      blockRowsPerInput.add(blockRows(width, out));
      in += width;
    }
    double bound = 1.0 / Math.sqrt(in);
    Ops init = tf.withInitScope();
    RandomUniform<TFloat32> w = new RandomUniform<>(-bound, bound, seed);
    RandomUniform<TFloat32> b = new RandomUniform<>(-bound, bound, seed + 1);
    Operand<TFloat32> full = w.call(init, init.constant(new long[] {in, out}), TFloat32.class);
    int[] rows = blockRowsPerInput.stream().flatMapToInt(java.util.Arrays::stream).toArray();
    if (rows.length == 1) {
      kernel.add(tf.withName(name + "_w").variable(full));
    } else {
      List<Operand<TFloat32>> blocks = split(init, full, 0, rows);
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
    return apply(tf, List.of(x));
  }

  /** The layer on concat(inputs), without building it: inputs [batch, width_i] → [batch, out]. */
  public Operand<TFloat32> apply(Ops tf, List<Operand<TFloat32>> inputs) {
    if (inputs.size() != blockRowsPerInput.size()) {
      throw new IllegalArgumentException(
          "the layer takes " + blockRowsPerInput.size() + " inputs, got " + inputs.size());
    }
    List<Operand<TFloat32>> products = new ArrayList<>();
    int block = 0;
    for (int i = 0; i < inputs.size(); i++) {
      int[] rows = blockRowsPerInput.get(i);
      List<Operand<TFloat32>> parts =
          rows.length == 1 ? List.of(inputs.get(i)) : split(tf, inputs.get(i), 1, rows);
      for (Operand<TFloat32> part : parts) {
        products.add(tf.linalg.matMul(part, kernel.get(block++)));
      }
    }
    Operand<TFloat32> sum = products.size() == 1 ? products.get(0) : tf.math.addN(products);
    return tf.nn.biasAdd(sum, bias);
  }

  /**
   * Backward through {@link #apply(Ops, Operand)}: with u = ∂L/∂y [batch, out], ∂L/∂x [batch, in].
   */
  public Operand<TFloat32> inputGradient(Ops tf, Operand<TFloat32> u) {
    return tf.linalg.matMul(u, fullKernel(tf), MatMul.transposeB(true));
  }

  /**
   * As {@link #inputGradient}: ∂L/∂ of each kernel block, then of the bias, in {@link
   * #trainableVariables}' order.
   */
  public List<Operand<TFloat32>> gradients(Ops tf, Operand<TFloat32> x, Operand<TFloat32> u) {
    if (blockRowsPerInput.size() != 1) {
      throw new UnsupportedOperationException("the backward is written out for one input");
    }
    int[] rows = blockRowsPerInput.get(0);
    List<Operand<TFloat32>> parts = rows.length == 1 ? List.of(x) : split(tf, x, 1, rows);
    List<Operand<TFloat32>> grads = new ArrayList<>();
    for (Operand<TFloat32> part : parts) {
      grads.add(tf.linalg.matMul(part, u, MatMul.transposeA(true)));
    }
    grads.add(tf.nn.biasAddGrad(u));
    return grads;
  }

  /** The kernel's variables, in row order: one, or its row blocks. */
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

  /** An input's rows: one block, or {@link #BLOCKS} with the remainder in the last. */
  private static int[] blockRows(int width, int out) {
    if ((long) width * out < BLOCKED_FROM_WEIGHTS || width < BLOCKS) {
      return new int[] {width};
    }
    int[] rows = new int[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
      rows[i] = width / BLOCKS + (i == BLOCKS - 1 ? width % BLOCKS : 0);
    }
    return rows;
  }

  private static List<Operand<TFloat32>> split(Ops tf, Operand<TFloat32> x, int axis, int[] sizes) {
    return new ArrayList<>(
        tf.splitV(x, tf.constant(sizes), tf.constant(axis), (long) sizes.length).output());
  }
}
