package dev.cgan.model;

import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.RandomUniform;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A fully connected layer {@code x·W + b}, x [batch, in] → [batch, out], float32. Weights and bias
 * start as PyTorch's {@code nn.Linear}: U(−1/√in, 1/√in).
 */
public final class Dense {
  private final Variable<TFloat32> weight;
  private final Variable<TFloat32> bias;

  /**
   * Creates the layer's variables {@code <name>_w} [in, out] and {@code <name>_b} [out].
   *
   * @param seed seeds the stateless initialiser, so the same seed gives the same weights
   */
  public Dense(Ops tf, String name, int in, int out, long seed) {
    double bound = 1.0 / Math.sqrt(in);
    Ops init = tf.withInitScope();
    RandomUniform<TFloat32> w = new RandomUniform<>(-bound, bound, seed);
    RandomUniform<TFloat32> b = new RandomUniform<>(-bound, bound, seed + 1);
    weight =
        tf.withName(name + "_w")
            .variable(w.call(init, init.constant(new long[] {in, out}), TFloat32.class));
    bias =
        tf.withName(name + "_b")
            .variable(b.call(init, init.constant(new long[] {out}), TFloat32.class));
  }

  /** x [batch, in] → [batch, out]. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return tf.nn.biasAdd(tf.linalg.matMul(x, weight), bias);
  }

  public Variable<TFloat32> weight() {
    return weight;
  }

  public Variable<TFloat32> bias() {
    return bias;
  }
}
