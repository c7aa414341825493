package dev.cgan.model;

import dev.cgan.InvalidSettingException;
import java.util.function.Consumer;

/**
 * Shape and regularisation of one conditional GAN. The defaults are the reference network
 * (PyTorch-GAN {@code cgan.py}, as ported by the Jittor tutorial): 10 classes, 100-dim noise,
 * 32×32×1 images, BatchNorm eps 0.8 and momentum 0.1, dropout 0.4, LeakyReLU slope 0.2.
 *
 * @param numClasses number of label classes; also the width of both label embeddings
 * @param latentDim length of the noise vector z
 * @param imageSize height and width of generated images
 * @param channels image channels: 1 (grey) or 3 (RGB)
 * @param batchNormEps epsilon added to the variance in the generator's BatchNorm layers
 * @param batchNormMomentum weight of the new batch statistic in the running mean/variance
 * @param dropoutRate fraction of units dropped in the discriminator's middle layers (0 disables)
 * @param leakySlope negative slope of every LeakyReLU
 * @param arch which networks: the reference {@link Architecture#MLP} or {@link Architecture#CONV}
 * @param width the conv networks' base channels ({@link ConvPlan}); 0 for the MLP, which has none
 * @param conditioning how the conv discriminator sees the label; null for the MLP, whose
 *     discriminator reads it concatenated with the image
 */
public record CganConfig(
    int numClasses,
    int latentDim,
    int imageSize,
    int channels,
    float batchNormEps,
    float batchNormMomentum,
    float dropoutRate,
    float leakySlope,
    Architecture arch,
    int width,
    ConvPlan.Conditioning conditioning) {

  /**
   * The most classes: labels come from IDX files of unsigned bytes, and the sample grid has a
   * column per class.
   */
  public static final int MAX_CLASSES = 256;

  /** The longest noise vector: 8 times StyleGAN's 512 (the reference's is 100). */
  public static final int MAX_LATENT_DIM = 4096;

  /**
   * The largest image side: G's last layer has 1024 × side² × channels weights, with Adam's two
   * slots and a gradient 16 bytes each; at 256 that is already 1 GiB.
   */
  public static final int MAX_IMAGE_SIZE = 256;

  /** The widest conv network: G's second block alone then has 4·1024² weights per stage. */
  public static final int MAX_WIDTH = 1024;

  /**
   * The narrowest: with one base channel, G's last transposed convolution and D's input gradients
   * would go from one channel to one, where TensorFlow 2.18's oneDNN {@code Conv2DBackpropInput}
   * returns wrong values (docs/design.md).
   */
  public static final int MIN_WIDTH = 2;

  /** The conv networks' base channels when none are given, measured on 2-core CPUs. */
  public static final int DEFAULT_WIDTH = 32;

  /**
   * How the conv discriminator sees the label when not given: as an extra input channel, which kept
   * the generator's variety where the projection lost it (docs/quality.md).
   */
  public static final ConvPlan.Conditioning DEFAULT_CONDITIONING = ConvPlan.Conditioning.CHANNEL;

  public CganConfig {
    require(
        numClasses >= 2 && numClasses <= MAX_CLASSES,
        "numClasses",
        "must be 2 to " + MAX_CLASSES + ", got " + numClasses);
    require(
        latentDim >= 1 && latentDim <= MAX_LATENT_DIM,
        "latentDim",
        "must be 1 to " + MAX_LATENT_DIM + ", got " + latentDim);
    require(imageSize >= 1, "imageSize", "must be positive, got " + imageSize);
    if (imageSize > MAX_IMAGE_SIZE) {
      long weights = 1024L * imageSize * imageSize * Math.max(channels, 1);
      throw new InvalidSettingException(
          "imageSize",
          "must be at most "
              + MAX_IMAGE_SIZE
              + " (G's last layer alone would need "
              + (weights * 16 >> 30)
              + " GiB with its Adam state), got "
              + imageSize);
    }
    require(
        channels == 1 || channels == 3, "channels", "must be 1 (grey) or 3 (RGB), got " + channels);
    require(
        batchNormEps > 0 && Float.isFinite(batchNormEps),
        "batchNormEps",
        "must be positive, got " + batchNormEps);
    require(
        batchNormMomentum > 0 && batchNormMomentum <= 1,
        "batchNormMomentum",
        "must be in (0, 1], got " + batchNormMomentum);
    require(
        dropoutRate >= 0 && dropoutRate < 1,
        "dropoutRate",
        "must be in [0, 1), got " + dropoutRate);
    require(Float.isFinite(leakySlope), "leakySlope", "must be a finite number, got " + leakySlope);
    require(arch != null, "arch", "must be mlp or conv, got null");
    if (arch == Architecture.MLP) {
      require(width == 0, "width", "applies to the conv network only, got " + width);
      require(
          conditioning == null,
          "conditioning",
          "applies to the conv network only, got " + conditioning);
    } else {
      require(conditioning != null, "conditioning", "must be channel or projection, got null");
      require(
          width >= MIN_WIDTH && width <= MAX_WIDTH,
          "width",
          "must be " + MIN_WIDTH + " to " + MAX_WIDTH + " base channels, got " + width);
      ConvPlan.requireSize(imageSize);
    }
  }

  /** {@code arch}'s networks, the conv discriminator with {@link #DEFAULT_CONDITIONING}. */
  public CganConfig(
      int numClasses,
      int latentDim,
      int imageSize,
      int channels,
      float batchNormEps,
      float batchNormMomentum,
      float dropoutRate,
      float leakySlope,
      Architecture arch,
      int width) {
    this(
        numClasses,
        latentDim,
        imageSize,
        channels,
        batchNormEps,
        batchNormMomentum,
        dropoutRate,
        leakySlope,
        arch,
        width,
        arch == Architecture.CONV ? DEFAULT_CONDITIONING : null);
  }

  /** The reference network's shape: {@link Architecture#MLP}, no width. */
  public CganConfig(
      int numClasses,
      int latentDim,
      int imageSize,
      int channels,
      float batchNormEps,
      float batchNormMomentum,
      float dropoutRate,
      float leakySlope) {
    this(
        numClasses,
        latentDim,
        imageSize,
        channels,
        batchNormEps,
        batchNormMomentum,
        dropoutRate,
        leakySlope,
        Architecture.MLP,
        0);
  }

  /** The reference network for MNIST. */
  public static CganConfig reference() {
    return new CganConfig(10, 100, 32, 1, 0.8f, 0.1f, 0.4f, 0.2f);
  }

  /**
   * The conv networks with {@code width} base channels for the reference's data: 10 classes,
   * 100-dim noise, 32×32×1, BatchNorm eps 10⁻⁵ and momentum 0.1 (PyTorch's defaults; the
   * reference's 0.8 is its {@code cgan.py}'s), no dropout, LeakyReLU slope 0.2, and D seeing the
   * label as an extra input channel ({@link #DEFAULT_CONDITIONING}).
   */
  public static CganConfig conv(int width) {
    return new CganConfig(10, 100, 32, 1, 1e-5f, 0.1f, 0f, 0.2f, Architecture.CONV, width);
  }

  /** Values per image: channels × imageSize × imageSize. */
  public int imagePixels() {
    return channels * imageSize * imageSize;
  }

  public CganConfig withNumClasses(int n) {
    return edit(b -> b.numClasses = n);
  }

  /** This shape with {@code c} image channels: 1 (grey) or 3 (RGB). */
  public CganConfig withChannels(int c) {
    return edit(b -> b.channels = c);
  }

  public CganConfig withImageSize(int size) {
    return edit(b -> b.imageSize = size);
  }

  public CganConfig withBatchNormEps(float eps) {
    return edit(b -> b.batchNormEps = eps);
  }

  public CganConfig withDropoutRate(float rate) {
    return edit(b -> b.dropoutRate = rate);
  }

  /** The conv networks with their discriminator seeing the label as {@code c} says. */
  public CganConfig withConditioning(ConvPlan.Conditioning c) {
    return edit(b -> b.conditioning = c);
  }

  private static void require(boolean ok, String field, String problem) {
    if (!ok) {
      throw new InvalidSettingException(field, problem);
    }
  }

  private CganConfig edit(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** A mutable copy: each with-method changes one field, and the record checks them all. */
  private static final class Copy {
    int numClasses;
    int latentDim;
    int imageSize;
    int channels;
    float batchNormEps;
    float batchNormMomentum;
    float dropoutRate;
    float leakySlope;
    Architecture arch;
    int width;
    ConvPlan.Conditioning conditioning;

    Copy(CganConfig c) {
      numClasses = c.numClasses;
      latentDim = c.latentDim;
      imageSize = c.imageSize;
      channels = c.channels;
      batchNormEps = c.batchNormEps;
      batchNormMomentum = c.batchNormMomentum;
      dropoutRate = c.dropoutRate;
      leakySlope = c.leakySlope;
      arch = c.arch;
      width = c.width;
      conditioning = c.conditioning;
    }

    CganConfig build() {
      return new CganConfig(
          numClasses,
          latentDim,
          imageSize,
          channels,
          batchNormEps,
          batchNormMomentum,
          dropoutRate,
          leakySlope,
          arch,
          width,
          conditioning);
    }
  }
}
