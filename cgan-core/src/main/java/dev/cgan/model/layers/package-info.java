/**
 * The layers the networks are built from on TensorFlow's {@code Ops} (dense, BatchNorm, embedding,
 * noise sampling, pixel scaling), shared by the generator, the discriminator, the training graph,
 * the inference graph and the evaluation classifier. Not exported from cgan-core: not API, may
 * change in any release.
 */
package dev.cgan.model.layers;
