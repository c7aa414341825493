package dev.cgan.serve;

import dev.cgan.model.CganConfig;
import dev.cgan.model.GeneratorNetwork;
import dev.cgan.model.Networks;
import dev.cgan.model.Weights;
import dev.cgan.model.layers.Sampling;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The generator alone, in inference mode (BatchNorm running statistics, no dropout, no
 * discriminator, no optimizer): what a checkpoint is restored into for generation and what the
 * SavedModel exports. Its variables carry the training graph's names for the chosen weights ({@code
 * G_…} raw, {@code G_ema_…} averaged), so a training checkpoint restores them.
 */
public final class GeneratorGraph {
  /** Predict method name, so TensorFlow Serving's REST {@code :predict} accepts every signature. */
  public static final String PREDICT = "tensorflow/serving/predict";

  /** int32 [batch] class labels. */
  public final Placeholder<TInt32> labels;

  /** float32 [batch, latent] noise, for {@link #images}. */
  public final Placeholder<TFloat32> noise;

  /** int64 scalar seed, for {@link #seededPixels} and {@link #seededImages}. */
  public final Placeholder<TInt64> seed;

  /** G(noise, labels): float32 [batch, H, W, C] in [−1, 1]. */
  public final Operand<TFloat32> images;

  /** G(noise drawn from seed, labels): float32 [batch, H, W, C]. */
  public final Operand<TFloat32> seededImages;

  /** {@link #seededImages} as grey levels: uint8 [batch, H, W, C]. */
  public final Operand<TUint8> seededPixels;

  /** bool scalar: one latent for the whole batch, for {@link #styledImages}. */
  public final Placeholder<TBool> sameStyle;

  /** float32 scalar: the truncation bound T > 0, or 0 for none, for {@link #styledImages}. */
  public final Placeholder<TFloat32> truncation;

  /** The noise drawn from seed, same style and truncation: float32 [batch, latent]. */
  public final Operand<TFloat32> styledNoise;

  /** G(styledNoise, labels): float32 [batch, H, W, C]. */
  public final Operand<TFloat32> styledImages;

  /** {@link #styledImages} as grey levels: uint8 [batch, H, W, C]. */
  public final Operand<TUint8> styledPixels;

  /**
   * float32 [batch, classes]: how much of each class's label embedding, for {@link #mixedImages}.
   */
  public final Placeholder<TFloat32> labelWeights;

  /** G(noise, labelWeights · label table): float32 [batch, H, W, C]. */
  public final Operand<TFloat32> mixedImages;

  /** {@link #mixedImages} as grey levels: uint8 [batch, H, W, C]. */
  public final Operand<TUint8> mixedPixels;

  public GeneratorGraph(Graph graph, CganConfig config, Weights weights) {
    Ops tf = Ops.create(graph);
    GeneratorNetwork g = Networks.generator(tf, config, 0L, weights);
    labels = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    noise =
        tf.withName("noise")
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, config.latentDim())));
    seed = tf.withName("seed").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    images = tf.withName("images").identity(g.apply(tf, noise, labels, false));
    seededImages =
        tf.withName("seeded_images")
            .identity(
                g.apply(tf, Sampling.noise(tf, labels, seed, config.latentDim()), labels, false));
    seededPixels = tf.withName("pixels").identity(Sampling.toPixels(tf, seededImages));

    sameStyle =
        tf.withName("same_style").placeholder(TBool.class, Placeholder.shape(Shape.scalar()));
    truncation =
        tf.withName("truncation").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    styledNoise =
        tf.withName("styled_noise")
            .identity(
                Sampling.styledNoise(tf, labels, seed, sameStyle, truncation, config.latentDim()));
    styledImages = tf.withName("styled_images").identity(g.apply(tf, styledNoise, labels, false));
    styledPixels = tf.withName("styled_pixels").identity(Sampling.toPixels(tf, styledImages));

    labelWeights =
        tf.withName("label_weights")
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, config.numClasses())));
    mixedImages = tf.withName("mixed_images").identity(g.applyMixed(tf, noise, labelWeights));
    mixedPixels = tf.withName("mixed_pixels").identity(Sampling.toPixels(tf, mixedImages));
  }

  /** {@code serving_default}: labels int32 [batch], noise float32 [batch, latent] → images. */
  public Signature servingDefault() {
    return Signature.builder()
        .key(Signature.DEFAULT_KEY)
        .methodName(PREDICT)
        .input("labels", labels)
        .input("noise", noise)
        .output("images", images)
        .build();
  }

  /** {@code generate}: labels int32 [batch], seed int64 → pixels uint8, images float32. */
  public Signature generate() {
    return Signature.builder()
        .key("generate")
        .methodName(PREDICT)
        .input("labels", labels)
        .input("seed", seed)
        .output("pixels", seededPixels)
        .output("images", seededImages)
        .build();
  }

  /**
   * {@code generate_styled}: labels int32 [batch], seed int64, same_style bool, truncation float32
   * (T > 0, or 0 for none) → pixels uint8, images float32, noise float32 [batch, latent]. With
   * same_style false and truncation 0 it gives what {@code generate} gives, bit for bit.
   */
  public Signature generateStyled() {
    return Signature.builder()
        .key("generate_styled")
        .methodName(PREDICT)
        .input("labels", labels)
        .input("seed", seed)
        .input("same_style", sameStyle)
        .input("truncation", truncation)
        .output("pixels", styledPixels)
        .output("images", styledImages)
        .output("noise", styledNoise)
        .build();
  }

  /**
   * {@code generate_mixed}: noise float32 [batch, latent], label_weights float32 [batch, classes] →
   * pixels uint8, images float32. One-hot weights give {@code serving_default}'s images; a row (1 −
   * t, t) over classes I and J is a step of a class interpolation.
   */
  public Signature generateMixed() {
    return Signature.builder()
        .key("generate_mixed")
        .methodName(PREDICT)
        .input("noise", noise)
        .input("label_weights", labelWeights)
        .output("pixels", mixedPixels)
        .output("images", mixedImages)
        .build();
  }
}
