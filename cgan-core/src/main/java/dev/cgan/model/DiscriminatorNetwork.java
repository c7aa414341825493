package dev.cgan.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** D(x, y), whatever its layers: a score per image, no sigmoid. Built by {@link Networks}. */
public interface DiscriminatorNetwork {
  /**
   * images float32 [batch, H, W, C], labels int32 [batch] → scores float32 [batch, 1].
   *
   * @param dropoutSeed int64 [2] seed of stateless dropout masks; {@code null} for inference
   */
  Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> images, Operand<TInt32> labels, Operand<TInt64> dropoutSeed);

  /**
   * D on {@code images} as {@link #apply}, with a backward pass two losses can share; null where
   * the network offers none (then its scores are differentiated once per loss).
   */
  default SharedBackward applyWithSharedBackward(
      Ops tf, Operand<TFloat32> images, Operand<TInt32> labels, Operand<TInt64> dropoutSeed) {
    return null;
  }

  /** What Adam updates, in a fixed order. */
  List<Variable<TFloat32>> trainableVariables();
}
