package dev.cgan.model;

import dev.cgan.InvalidSettingException;

/**
 * Shape and regularisation of one conditional GAN. The defaults are the reference network
 * (PyTorch-GAN {@code cgan.py}, as ported by the Jittor tutorial): 10 classes, 100-dim noise,
 * 32×32×1 images, BatchNorm eps 0.8 and momentum 0.1, dropout 0.4, LeakyReLU slope 0.2.
 *
 * @param numClasses number of label classes; also the width of both label embeddings
 * @param latentDim length of the noise vector z
 * @param imageSize height and width of generated images
 * @param channels image channels (1 for grey)
 * @param batchNormEps epsilon added to the variance in the generator's BatchNorm layers
 * @param batchNormMomentum weight of the new batch statistic in the running mean/variance
 * @param dropoutRate fraction of units dropped in the discriminator's middle layers (0 disables)
 * @param leakySlope negative slope of every LeakyReLU
 */
public record CganConfig(
    int numClasses,
    int latentDim,
    int imageSize,
    int channels,
    float batchNormEps,
    float batchNormMomentum,
    float dropoutRate,
    float leakySlope) {

  public CganConfig {
    require(numClasses >= 2, "numClasses", "must be at least 2, got " + numClasses);
    require(latentDim >= 1, "latentDim", "must be positive, got " + latentDim);
    require(imageSize >= 1, "imageSize", "must be positive, got " + imageSize);
    require(channels >= 1, "channels", "must be positive, got " + channels);
    require(batchNormEps > 0, "batchNormEps", "must be positive, got " + batchNormEps);
    require(
        batchNormMomentum > 0 && batchNormMomentum <= 1,
        "batchNormMomentum",
        "must be in (0, 1], got " + batchNormMomentum);
    require(
        dropoutRate >= 0 && dropoutRate < 1,
        "dropoutRate",
        "must be in [0, 1), got " + dropoutRate);
  }

  /** The reference network for MNIST. */
  public static CganConfig reference() {
    return new CganConfig(10, 100, 32, 1, 0.8f, 0.1f, 0.4f, 0.2f);
  }

  /** Values per image: channels × imageSize × imageSize. */
  public int imagePixels() {
    return channels * imageSize * imageSize;
  }

  public CganConfig withNumClasses(int n) {
    return new CganConfig(
        n,
        latentDim,
        imageSize,
        channels,
        batchNormEps,
        batchNormMomentum,
        dropoutRate,
        leakySlope);
  }

  public CganConfig withImageSize(int size) {
    return new CganConfig(
        numClasses,
        latentDim,
        size,
        channels,
        batchNormEps,
        batchNormMomentum,
        dropoutRate,
        leakySlope);
  }

  public CganConfig withBatchNormEps(float eps) {
    return new CganConfig(
        numClasses,
        latentDim,
        imageSize,
        channels,
        eps,
        batchNormMomentum,
        dropoutRate,
        leakySlope);
  }

  public CganConfig withDropoutRate(float rate) {
    return new CganConfig(
        numClasses,
        latentDim,
        imageSize,
        channels,
        batchNormEps,
        batchNormMomentum,
        rate,
        leakySlope);
  }

  private static void require(boolean ok, String field, String problem) {
    if (!ok) {
      throw new InvalidSettingException(field, problem);
    }
  }
}
