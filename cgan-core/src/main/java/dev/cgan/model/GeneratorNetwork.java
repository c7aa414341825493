package dev.cgan.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * G(z, y), whatever its layers: what training, the averaged copy and the SavedModel ask of a
 * generator. Built by {@link Networks#generator}.
 */
public interface GeneratorNetwork {
  /**
   * noise float32 [batch, latent], labels int32 [batch] → images float32 [batch, H, W, C] in (−1,
   * 1). With {@code training}, BatchNorm uses batch statistics and queues the running-average
   * updates returned by {@link #batchNormUpdates()}.
   */
  Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> noise, Operand<TInt32> labels, boolean training);

  /**
   * G on a mix of label embeddings, in inference mode: noise float32 [batch, latent], labelWeights
   * float32 [batch, classes] → images float32 [batch, H, W, C]. A one-hot row gives {@link
   * #apply}'s image for that label.
   */
  Operand<TFloat32> applyMixed(Ops tf, Operand<TFloat32> noise, Operand<TFloat32> labelWeights);

  /** What Adam updates, in a fixed order (the averaged copy's lines up with the raw one's). */
  List<Variable<TFloat32>> trainableVariables();

  /** Running-statistics assignments queued by training-mode calls of {@link #apply}. */
  List<Op> batchNormUpdates();

  CganConfig config();
}
