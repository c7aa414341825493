package dev.cgan.eval;

import dev.cgan.data.LabeledImages;
import dev.cgan.internal.TensorArrays;
import dev.cgan.model.layers.Preprocessing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A trained classifier ({@link ClassifierNet}) ready for inference: images in, penultimate features
 * and class probabilities out. The digit classifier reads 32×32 grey digits (generated) and 28×28
 * MNIST digits (real); the classifier of a run's own data reads its images, generated and real, in
 * their sizes and channels ({@link Input}). Obtain one through {@link Evaluator}, which trains or
 * loads it from the cache.
 *
 * <p>Thread-safe (one TensorFlow session). Close it to free native memory.
 */
public final class DigitClassifier implements AutoCloseable {
  /** Images per session run: bounds the memory of large predictions. */
  private static final int CHUNK = 500;

  /**
   * What a classifier reads.
   *
   * @param channels C of generated and real images: 1 (grey) or 3 (RGB)
   * @param classes K
   * @param size the side of generated images (resized to the network's 32 when it differs)
   * @param realHeight the height of real images (resized as GAN training resizes them)
   * @param realWidth their width
   */
  record Input(int channels, int classes, int size, int realHeight, int realWidth) {
    /** MNIST: 32×32 grey generated digits, 28×28 real ones, 10 classes. */
    static final Input DIGITS =
        new Input(1, ClassifierNet.NUM_CLASSES, ClassifierNet.IMAGE_SIZE, 28, 28);

    /** Values of one generated image, S·S·C. */
    int pixels() {
      return size * size * channels;
    }
  }

  private final Input input;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> images;
  private final Placeholder<TUint8> realImages;
  private final Branch fromImages;
  private final Branch fromReal;

  /**
   * Model outputs for n images.
   *
   * @param features the penultimate layer, n × 128 (ReLU outputs, so ≥ 0)
   * @param probabilities softmax class probabilities, n × K, each row summing to 1
   */
  public record Predictions(float[][] features, float[][] probabilities) {
    /** The most probable class of each image. */
    public int[] classes() {
      int[] out = new int[probabilities.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = Scores.argmax(probabilities[i]);
      }
      return out;
    }
  }

  private record Branch(Operand<TFloat32> features, Operand<TFloat32> probabilities) {}

  private DigitClassifier(Graph graph, Input in) {
    this.input = in;
    this.graph = graph;
    Ops tf = Ops.create(graph);
    // Seed 0: the initial values are never used, every variable is restored from a checkpoint.
    ClassifierNet net = new ClassifierNet(tf, 0, in.channels(), in.classes());
    images =
        tf.withName("clf_images")
            .placeholder(
                TFloat32.class,
                Placeholder.shape(Shape.of(-1, in.size(), in.size(), in.channels())));
    Shape real =
        in.channels() == 1
            ? Shape.of(-1, in.realHeight(), in.realWidth())
            : Shape.of(-1, in.realHeight(), in.realWidth(), in.channels());
    realImages = tf.withName("clf_real").placeholder(TUint8.class, Placeholder.shape(real));
    fromImages = branch(tf, net, resized(tf, images, in.size()));
    // Real images go through exactly the preprocessing the GAN was trained on.
    fromReal =
        branch(
            tf,
            net,
            Preprocessing.toModelInput(
                tf,
                realImages,
                in.realHeight(),
                in.realWidth(),
                in.channels(),
                ClassifierNet.IMAGE_SIZE));
    session = new Session(graph);
  }

  /** Generated images at the network's 32×32, resized as real ones are when they differ. */
  private static Operand<TFloat32> resized(Ops tf, Operand<TFloat32> x, int size) {
    if (size == ClassifierNet.IMAGE_SIZE) {
      return x;
    }
    return tf.image.resizeBilinear(
        x,
        tf.constant(new int[] {ClassifierNet.IMAGE_SIZE, ClassifierNet.IMAGE_SIZE}),
        ResizeBilinear.halfPixelCenters(true));
  }

  /** What this classifier reads. */
  Input input() {
    return input;
  }

  private static Branch branch(Ops tf, ClassifierNet net, Operand<TFloat32> x) {
    ClassifierNet.Outputs o = net.apply(tf, x);
    return new Branch(o.features(), tf.nn.softmax(o.logits()));
  }

  /**
   * Restores a checkpoint written by {@link ClassifierTraining} (extra variables in it, such as
   * Adam's slots, are ignored).
   *
   * @throws IOException when the checkpoint is missing or does not fit the network
   */
  static DigitClassifier load(Path prefix, Input in) throws IOException {
    Graph graph = new Graph();
    try {
      DigitClassifier c = new DigitClassifier(graph, in);
      try {
        c.session.restore(prefix.toString());
      } catch (TensorFlowException e) {
        c.close();
        throw new IOException(
            "classifier checkpoint "
                + prefix
                + " cannot be restored: "
                + TensorArrays.firstLine(e.getMessage()));
      }
      return c;
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * Classifies generator-format images.
   *
   * @param images n images, each S·S·C floats in [−1, 1], row-major HWC (what {@code
   *     CganGenerator.generate} returns; 32·32 for the digit classifier)
   */
  public Predictions predict(float[][] images) {
    int n = images.length;
    int pixels = input.pixels();
    Predictions out = new Predictions(new float[n][], new float[n][]);
    for (int from = 0; from < n; from += CHUNK) {
      int m = Math.min(CHUNK, n - from);
      float[] flat = new float[m * pixels];
      for (int i = 0; i < m; i++) {
        float[] img = images[from + i];
        if (img.length != pixels) {
          throw new IllegalArgumentException(
              String.format(
                  "image %d has %d values, expected %dx%dx%d = %d",
                  from + i, img.length, input.size(), input.size(), input.channels(), pixels));
        }
        System.arraycopy(img, 0, flat, i * pixels, pixels);
      }
      Shape shape = Shape.of(m, input.size(), input.size(), input.channels());
      try (TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(flat, true, false));
          Result r =
              session
                  .runner()
                  .feed(this.images, t)
                  .fetch(fromImages.features())
                  .fetch(fromImages.probabilities())
                  .run()) {
        copyRows(r, out, from, m);
      }
    }
    return out;
  }

  /**
   * Classifies real images, preprocessed as in GAN training ({@link Preprocessing#toModelInput}).
   *
   * @param real uint8 images of the size and channels the classifier reads (28×28 grey for the
   *     digit classifier, MNIST)
   */
  public Predictions predict(LabeledImages real) {
    if (real.height() != input.realHeight()
        || real.width() != input.realWidth()
        || real.channels() != input.channels()) {
      throw new IllegalArgumentException(
          String.format(
              "real images must be %dx%dx%d, got %dx%dx%d",
              input.realHeight(),
              input.realWidth(),
              input.channels(),
              real.height(),
              real.width(),
              real.channels()));
    }
    int n = real.count();
    int size = input.realHeight() * input.realWidth() * input.channels();
    long[] dims =
        input.channels() == 1
            ? new long[] {0, input.realHeight(), input.realWidth()}
            : new long[] {0, input.realHeight(), input.realWidth(), input.channels()};
    Predictions out = new Predictions(new float[n][], new float[n][]);
    for (int from = 0; from < n; from += CHUNK) {
      int m = Math.min(CHUNK, n - from);
      byte[] px = Arrays.copyOfRange(real.pixels(), from * size, (from + m) * size);
      dims[0] = m;
      try (TUint8 t = TUint8.tensorOf(Shape.of(dims), DataBuffers.of(px, true, false));
          Result r =
              session
                  .runner()
                  .feed(realImages, t)
                  .fetch(fromReal.features())
                  .fetch(fromReal.probabilities())
                  .run()) {
        copyRows(r, out, from, m);
      }
    }
    return out;
  }

  private void copyRows(Result r, Predictions out, int from, int m) {
    float[] f = TensorArrays.floats((TFloat32) r.get(0));
    float[] p = TensorArrays.floats((TFloat32) r.get(1));
    int d = ClassifierNet.FEATURES;
    int k = input.classes();
    for (int i = 0; i < m; i++) {
      out.features()[from + i] = Arrays.copyOfRange(f, i * d, (i + 1) * d);
      out.probabilities()[from + i] = Arrays.copyOfRange(p, i * k, (i + 1) * k);
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
