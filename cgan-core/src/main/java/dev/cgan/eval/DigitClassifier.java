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
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A trained digit classifier ({@link ClassifierNet}) ready for inference: images in, penultimate
 * features and class probabilities out. Obtain one through {@link Evaluator}, which trains or loads
 * it from the cache.
 *
 * <p>Thread-safe (one TensorFlow session). Close it to free native memory.
 */
public final class DigitClassifier implements AutoCloseable {
  /** Images per session run: bounds the memory of large predictions. */
  private static final int CHUNK = 500;

  private static final int PIXELS = ClassifierNet.IMAGE_SIZE * ClassifierNet.IMAGE_SIZE;
  private static final int REAL_SIZE = 28;

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
   * @param probabilities softmax class probabilities, n × 10, each row summing to 1
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

  private DigitClassifier(Graph graph) {
    this.graph = graph;
    Ops tf = Ops.create(graph);
    // Seed 0: the initial values are never used, every variable is restored from a checkpoint.
    ClassifierNet net = new ClassifierNet(tf, 0);
    images =
        tf.withName("clf_images")
            .placeholder(
                TFloat32.class,
                Placeholder.shape(
                    Shape.of(-1, ClassifierNet.IMAGE_SIZE, ClassifierNet.IMAGE_SIZE, 1)));
    realImages =
        tf.withName("clf_real")
            .placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, REAL_SIZE, REAL_SIZE)));
    fromImages = branch(tf, net, images);
    // Real digits go through exactly the preprocessing the GAN was trained on.
    fromReal =
        branch(
            tf,
            net,
            Preprocessing.toModelInput(
                tf, realImages, REAL_SIZE, REAL_SIZE, ClassifierNet.IMAGE_SIZE));
    session = new Session(graph);
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
  static DigitClassifier load(Path prefix) throws IOException {
    Graph graph = new Graph();
    try {
      DigitClassifier c = new DigitClassifier(graph);
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
   * @param images n images, each 32·32 floats in [−1, 1], row-major (what {@code
   *     CganGenerator.generate} returns for a 32×32 grey model)
   */
  public Predictions predict(float[][] images) {
    int n = images.length;
    Predictions out = new Predictions(new float[n][], new float[n][]);
    for (int from = 0; from < n; from += CHUNK) {
      int m = Math.min(CHUNK, n - from);
      float[] flat = new float[m * PIXELS];
      for (int i = 0; i < m; i++) {
        float[] img = images[from + i];
        if (img.length != PIXELS) {
          throw new IllegalArgumentException(
              "image " + (from + i) + " has " + img.length + " values, expected 32x32 = " + PIXELS);
        }
        System.arraycopy(img, 0, flat, i * PIXELS, PIXELS);
      }
      Shape shape = Shape.of(m, ClassifierNet.IMAGE_SIZE, ClassifierNet.IMAGE_SIZE, 1);
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
   * Classifies real digits, preprocessed as in GAN training ({@link Preprocessing#toModelInput}).
   *
   * @param real uint8 images of 28×28 (MNIST)
   */
  public Predictions predict(LabeledImages real) {
    if (real.height() != REAL_SIZE || real.width() != REAL_SIZE) {
      throw new IllegalArgumentException(
          "real digits must be 28x28 (MNIST), got " + real.height() + "x" + real.width());
    }
    int n = real.count();
    int size = REAL_SIZE * REAL_SIZE;
    Predictions out = new Predictions(new float[n][], new float[n][]);
    for (int from = 0; from < n; from += CHUNK) {
      int m = Math.min(CHUNK, n - from);
      byte[] px = Arrays.copyOfRange(real.pixels(), from * size, (from + m) * size);
      try (TUint8 t =
              TUint8.tensorOf(Shape.of(m, REAL_SIZE, REAL_SIZE), DataBuffers.of(px, true, false));
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

  private static void copyRows(Result r, Predictions out, int from, int m) {
    float[] f = TensorArrays.floats((TFloat32) r.get(0));
    float[] p = TensorArrays.floats((TFloat32) r.get(1));
    int d = ClassifierNet.FEATURES;
    int k = ClassifierNet.NUM_CLASSES;
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
