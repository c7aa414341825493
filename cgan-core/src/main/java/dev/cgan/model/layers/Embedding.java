package dev.cgan.model.layers;

import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.RandomNormal;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** A label lookup table [classes, dim] initialised N(0, 1), as PyTorch's {@code nn.Embedding}. */
public final class Embedding {
  private final Variable<TFloat32> table;
  private final int classes;

  public Embedding(Ops tf, String name, int classes, int dim, long seed) {
    this(tf, name, classes, dim, seed, 1.0);
  }

  /** A table initialised N(0, stddev²). */
  public Embedding(Ops tf, String name, int classes, int dim, long seed, double stddev) {
    this.classes = classes;
    Ops init = tf.withInitScope();
    table =
        tf.withName(name)
            .variable(
                new RandomNormal<TFloat32>(0.0, stddev, seed)
                    .call(init, init.constant(new long[] {classes, dim}), TFloat32.class));
  }

  /** labels int32 [batch] → [batch, dim]. */
  public Operand<TFloat32> apply(Ops tf, Operand<TInt32> labels) {
    return tf.gather(table, labels, tf.constant(0));
  }

  /**
   * Backward through {@link #apply}: with u = ∂L/∂rows [batch, dim], ∂L/∂table [classes, dim], each
   * label's rows of u summed into its row.
   */
  public Operand<TFloat32> gradient(Ops tf, Operand<TInt32> labels, Operand<TFloat32> u) {
    return tf.math.unsortedSegmentSum(u, labels, tf.constant(classes));
  }

  /**
   * weights float32 [batch, classes] → [batch, dim]: each row a weighted sum of the table's rows
   * (weights · table). A one-hot row gives that label's row exactly, as {@link #apply} does.
   */
  public Operand<TFloat32> mix(Ops tf, Operand<TFloat32> weights) {
    return tf.linalg.matMul(weights, table);
  }

  public Variable<TFloat32> table() {
    return table;
  }
}
