package dev.cgan.serve;

import dev.cgan.model.CganConfig;
import dev.cgan.model.Generator;
import dev.cgan.model.Weights;
import dev.cgan.model.internal.Sampling;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
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
  /** Predict method name, so TensorFlow Serving's REST {@code :predict} accepts both signatures. */
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

  public GeneratorGraph(Graph graph, CganConfig config, Weights weights) {
    Ops tf = Ops.create(graph);
    Generator g = new Generator(tf, config, 0L, weights);
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
}
