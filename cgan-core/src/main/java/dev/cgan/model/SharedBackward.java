package dev.cgan.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * D's scores s [batch, 1] of one batch, with one backward pass that two losses share.
 *
 * <p>L_G and L_D both differentiate D's scores of the same fakes: L_G towards the images (for G),
 * L_D towards D's weights. Autodiff runs a backward pass through D for each, although the two
 * differ only in their upstream ∂L/∂sᵢ. When sᵢ depends on image i alone (no batch statistics in
 * D), every gradient of image i in D is ∂sᵢ/∂(·) times that number, so one pass with the upstream 1
 * gives both, each scaled per image where it leaves D: one input-gradient convolution per layer
 * instead of two. The conv network's iteration is about a tenth cheaper for it.
 */
public interface SharedBackward {
  /** float32 [batch, 1]: D's score of each image. */
  Operand<TFloat32> scores();

  /**
   * From one backward pass: ∂(Σᵢ wᵢ sᵢ)/∂θ for D's variables θ, in {@link
   * DiscriminatorNetwork#trainableVariables()}' order, and ∂(Σᵢ vᵢ sᵢ)/∂x for the images x.
   *
   * @param weightUpstream w float32 [batch, 1]
   * @param imageUpstream v float32 [batch, 1]
   */
  Gradients gradients(Ops tf, Operand<TFloat32> weightUpstream, Operand<TFloat32> imageUpstream);

  /** What {@link #gradients} returns: one per variable, and one shaped like the images. */
  record Gradients(List<Operand<TFloat32>> variables, Operand<TFloat32> images) {}
}
