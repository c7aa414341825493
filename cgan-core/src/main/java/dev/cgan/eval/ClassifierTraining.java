package dev.cgan.eval;

import dev.cgan.data.LabeledImages;
import dev.cgan.internal.Adam;
import dev.cgan.internal.Seeds;
import dev.cgan.model.layers.Preprocessing;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * Trains a {@link ClassifierNet} on real images (the digits, or a run's own data) with Adam and
 * saves it as a TensorFlow checkpoint.
 *
 * <p>The training set lives in the graph as a uint8 constant and each step is fed only the int32
 * indices of its batch, which are gathered and preprocessed in the graph exactly as GAN training
 * preprocesses real images.
 */
final class ClassifierTraining {
  private ClassifierTraining() {}

  /**
   * Trains on {@code train} and saves every variable under {@code prefix} ({@code prefix.index},
   * {@code prefix.data-00000-of-00001}).
   *
   * <p>The framework's Adam takes its learning rate as a constant, so the step schedule is two
   * graphs: the first trains at {@link ClassifierSpec#learningRate()} and saves; the second, built
   * the same way with a tenth of that rate, restores everything (Adam's moments included) and
   * fine-tunes.
   *
   * @param train uint8 images of any size with C channels and K classes (28×28×1 digits, 0–9, for
   *     the digit classifier); the network reads them resized to 32×32 as GAN training does
   * @return mean cross-entropy over the last epoch
   */
  static double trainAndSave(ClassifierSpec spec, LabeledImages train, Path prefix) {
    double loss = phase(spec, train, spec.learningRate(), 0, spec.epochs(), false, prefix);
    if (spec.fineTuneEpochs() > 0) {
      loss =
          phase(
              spec,
              train,
              spec.learningRate() / 10,
              spec.epochs(),
              spec.fineTuneEpochs(),
              true,
              prefix);
    }
    return loss;
  }

  /** Epochs {@code first} to {@code first + epochs − 1} at one learning rate; saves at the end. */
  private static double phase(
      ClassifierSpec spec,
      LabeledImages train,
      float learningRate,
      int first,
      int epochs,
      boolean resume,
      Path prefix) {
    int n = train.count();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      int c = train.channels();
      ClassifierNet net = new ClassifierNet(tf, spec.seed(), c, train.numClasses());
      Placeholder<TInt32> batch =
          tf.withName("clf_batch").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Shape shape =
          c == 1
              ? Shape.of(n, train.height(), train.width())
              : Shape.of(n, train.height(), train.width(), c);
      Operand<TUint8> all = tf.constant(shape, DataBuffers.of(train.pixels(), true, false));
      Operand<TFloat32> x =
          Preprocessing.toModelInput(
              tf,
              tf.gather(all, batch, tf.constant(0)),
              train.height(),
              train.width(),
              c,
              ClassifierNet.IMAGE_SIZE);
      Operand<TInt32> y = tf.gather(tf.constant(train.labels()), batch, tf.constant(0));
      Operand<TFloat32> loss = crossEntropy(tf, net.apply(tf, x).logits(), y, net.classes());
      Op step =
          new Adam(graph, learningRate, 0.9f, 0.999f, 1e-8f)
              .minimize(loss, net.variables(), "clf_train");
      try (Session session = new Session(graph)) {
        if (resume) {
          session.restore(prefix.toString());
        } else {
          session.initialize();
        }
        double epochLoss = Double.NaN;
        for (int epoch = first; epoch < first + epochs; epoch++) {
          int[] order = shuffled(n, Seeds.derive(spec.seed(), 100 + epoch));
          double sum = 0;
          int steps = 0;
          for (int from = 0; from < n; from += spec.batchSize()) {
            int[] idx = Arrays.copyOfRange(order, from, Math.min(n, from + spec.batchSize()));
            try (TInt32 b = TInt32.vectorOf(idx);
                Result r = session.runner().feed(batch, b).addTarget(step).fetch(loss).run()) {
              sum += ((TFloat32) r.get(0)).getFloat();
              steps++;
            }
          }
          epochLoss = sum / steps;
        }
        session.save(prefix.toString());
        return epochLoss;
      }
    }
  }

  /**
   * Mean of −log softmax(logits)[y], float32 scalar. Written with LogSoftmax because TensorFlow's
   * C++ gradient registry, which graph-mode TF Java uses, has none for
   * SparseSoftmaxCrossEntropyWithLogits.
   *
   * @param logits float32 [batch, classes]
   * @param labels int32 [batch]
   */
  static Operand<TFloat32> crossEntropy(
      Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels, int classes) {
    Operand<TFloat32> picked =
        tf.math.mul(
            tf.nn.logSoftmax(logits),
            tf.oneHot(labels, tf.constant(classes), tf.constant(1f), tf.constant(0f)));
    return tf.math.neg(tf.math.mean(tf.reduceSum(picked, tf.constant(1)), tf.constant(0)));
  }

  /** 0..n−1 in a Fisher–Yates order fixed by {@code seed}. */
  static int[] shuffled(int n, long seed) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
