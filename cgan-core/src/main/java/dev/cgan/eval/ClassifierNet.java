package dev.cgan.eval;

import dev.cgan.internal.Seeds;
import dev.cgan.model.layers.Dense;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.RandomUniform;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The evaluation classifier's network, a LeNet-style CNN on the generator's own image format (graph
 * construction only); for digits C = 1 and K = 10, for a run's own data its channels and classes:
 *
 * <pre>
 * float32 [batch, 32, 32, C] in [−1, 1]
 *   → conv 5×5×32, valid → ReLU → max-pool 2×2    [batch, 14, 14, 32]
 *   → conv 5×5×64, valid → ReLU → max-pool 2×2    [batch, 5, 5, 64]
 *   → dense 1600 → 128 → ReLU                     the penultimate features [batch, 128]
 *   → dense 128 → K                               logits [batch, K]
 * </pre>
 *
 * <p>Valid (unpadded) convolutions keep it at about 12 MFLOP per image, which is what lets it train
 * in seconds on two cores.
 */
final class ClassifierNet {
  static final int IMAGE_SIZE = 32;
  static final int NUM_CLASSES = 10;
  static final int FEATURES = 128;

  /**
   * Names the layers and their variable names. Change it whenever either changes: it is part of the
   * cache key, so a cached checkpoint of another network is never restored into this one. (v2:
   * fc128's kernel is stored as two row blocks, see {@link dev.cgan.model.layers.Dense}.)
   */
  static final String ARCHITECTURE = "lenet(conv5x5x32,pool2,conv5x5x64,pool2,fc128,fc10)/v2";

  private static final int FLAT = 5 * 5 * 64;

  private final int classes;
  private final Conv conv1;
  private final Conv conv2;
  private final Dense fc1;
  private final Dense fc2;

  /** What one forward pass yields. */
  record Outputs(Operand<TFloat32> features, Operand<TFloat32> logits) {}

  /**
   * The digit network (C = 1, K = 10): creates the variables ({@code clf_conv1_w}, …) in a fixed
   * order; {@code seed} fixes their start.
   */
  ClassifierNet(Ops tf, long seed) {
    this(tf, seed, 1, NUM_CLASSES);
  }

  /** The network for images of {@code channels} channels and {@code classes} classes. */
  ClassifierNet(Ops tf, long seed, int channels, int classes) {
    this.classes = classes;
    conv1 = new Conv(tf, "clf_conv1", 5, channels, 32, Seeds.derive(seed, 1));
    conv2 = new Conv(tf, "clf_conv2", 5, 32, 64, Seeds.derive(seed, 2));
    fc1 = new Dense(tf, "clf_fc1", FLAT, FEATURES, Seeds.derive(seed, 3));
    fc2 = new Dense(tf, "clf_fc2", FEATURES, classes, Seeds.derive(seed, 4));
  }

  /**
   * {@link #ARCHITECTURE} for C channels and K classes: the digits' (C = 1, K = 10) is that string
   * itself, so the digit classifier's cache key stays what it was.
   */
  static String architecture(int channels, int classes) {
    return channels == 1 && classes == NUM_CLASSES
        ? ARCHITECTURE
        : ARCHITECTURE + "/in32x32x" + channels + "/classes" + classes;
  }

  /** K, the classes it tells apart. */
  int classes() {
    return classes;
  }

  /** Every variable, in creation order. */
  List<Variable<TFloat32>> variables() {
    List<Variable<TFloat32>> all = new ArrayList<>();
    all.addAll(List.of(conv1.kernel, conv1.bias, conv2.kernel, conv2.bias));
    all.addAll(fc1.trainableVariables());
    all.addAll(fc2.trainableVariables());
    return all;
  }

  /** images float32 [batch, 32, 32, C] → features [batch, 128] and logits [batch, K]. */
  Outputs apply(Ops tf, Operand<TFloat32> images) {
    Operand<TFloat32> x = maxPool(tf, tf.nn.relu(conv1.apply(tf, images)));
    x = maxPool(tf, tf.nn.relu(conv2.apply(tf, x)));
    x = tf.reshape(x, tf.constant(new int[] {-1, FLAT}));
    Operand<TFloat32> features = tf.nn.relu(fc1.apply(tf, x));
    return new Outputs(features, fc2.apply(tf, features));
  }

  private static Operand<TFloat32> maxPool(Ops tf, Operand<TFloat32> x) {
    Operand<TInt32> window = tf.constant(new int[] {1, 2, 2, 1});
    return tf.nn.maxPool(x, window, window, "VALID");
  }

  /** A 5×5 convolution with bias, x [batch, h, w, in] → [batch, h − 4, w − 4, out]. */
  private static final class Conv {
    private final Variable<TFloat32> kernel;
    private final Variable<TFloat32> bias;

    Conv(Ops tf, String name, int size, int in, int out, long seed) {
      // U(−1/√fan_in, 1/√fan_in), PyTorch's Conv2d default, like the project's Dense layer.
      double bound = 1.0 / Math.sqrt((double) size * size * in);
      Ops init = tf.withInitScope();
      kernel =
          tf.withName(name + "_w")
              .variable(
                  new RandomUniform<TFloat32>(-bound, bound, seed)
                      .call(init, init.constant(new long[] {size, size, in, out}), TFloat32.class));
      bias =
          tf.withName(name + "_b")
              .variable(
                  new RandomUniform<TFloat32>(-bound, bound, seed + 1)
                      .call(init, init.constant(new long[] {out}), TFloat32.class));
    }

    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
      return tf.nn.biasAdd(tf.nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "VALID"), bias);
    }
  }
}
