package dev.cgan.train.internal;

import dev.cgan.data.DataSource.DataShape;
import dev.cgan.model.Architecture;
import dev.cgan.model.CganConfig;
import dev.cgan.model.ConvPlan;
import dev.cgan.model.Discriminator;
import dev.cgan.model.Generator;

/**
 * What training will allocate, counted from sizes alone so that a run that cannot fit is refused
 * before anything is allocated or written.
 *
 * <p>Java heap: the data set as loaded ({@link DataShape#heapBytes()}). Native memory, outside the
 * heap: the data set as {@link TrainingGraph} holds it (uint8 pixels [N, H, W] and int32 labels
 * [N], constants of the graph, and the epoch order and its shuffle); the variables of G, D and the
 * averaged G with both Adams' slots, counted from the layer widths of {@link Generator} and {@link
 * Discriminator}; the largest of one iteration's activations and gradients, the averaged G's
 * statistics pass and a sample grid; and TensorFlow's runtime.
 *
 * @param heapBytes Java heap the loaded data takes
 * @param dataBytes native memory for the graph's copies of the data
 * @param networkBytes native memory for the variables, optimiser state, gradients and a restore
 * @param activationBytes native memory for the largest single computation's activations
 */
public record TrainingMemory(
    long heapBytes, long dataBytes, long networkBytes, long activationBytes) {

  /**
   * Native bytes per byte of the graph's data constants. TensorFlow copies a constant into the
   * graph's definition, into the copies the session and Grappler's optimisers make of it, and into
   * the kernel that outputs it, once for each distinct set of fetches that reaches it (a step with
   * and without the metrics, with and without the average's update). Peak resident memory, measured
   * on a 2-core x86-64 machine (TensorFlow 2.18) with the standard listeners, grew by 20.3 bytes
   * per byte of data from 10,000 to 120,000 images of 28×28 (16 with no listeners, from 10,000 to
   * 500,000, and for 10,000 of 128×128).
   */
  public static final long DATA_COPIES = 21;

  /**
   * TensorFlow's own resident memory (its library, thread pools, graph and session): 492 MB of peak
   * growth for 10,000 images of 28×28 at batch 64, less what the other terms count there.
   */
  public static final long RUNTIME_BYTES = 300L << 20;

  private static final int[] G_WIDTHS = Generator.hiddenWidths();
  private static final int D_WIDTH = Discriminator.WIDTH;

  /** What training {@code network} at {@code batch} on {@code data} needs. */
  public static TrainingMemory of(CganConfig network, int batch, boolean averaged, DataShape data) {
    long n = data.count();
    long dataBytes = DATA_COPIES * (data.pixelBytes() + 4 * n) + 16 * n;

    long g = generatorVariables(network), d = discriminatorVariables(network);
    long bnStatistics =
        network.arch() == Architecture.CONV
            ? ConvPlan.of(network).generatorStatistics()
            : 2L * (G_WIDTHS[1] + G_WIDTHS[2] + G_WIDTHS[3]);
    long ema = averaged ? g + bnStatistics : 0;
    // Held: each weight with Adam's m and v, BatchNorm's running statistics, the average.
    // At once with them: the gradients of G and D, or a restore's new values of everything.
    long held = 3 * (g + d) + bnStatistics + ema;
    long passing = g + d + ema;
    long networkBytes = 4 * (held + passing);

    long perG = generatorActivations(network);
    long perD = discriminatorActivations(network);
    long pixels = network.imagePixels();
    long inputBytes = (long) data.height() * data.width();
    // Forward and backward: G once, D on the real and on the fake batch; the real batch gathered
    // (uint8), cast to float and resized.
    long step = 4L * batch * (2 * perG + 4 * perD) + batch * (5 * inputBytes + 4 * pixels);
    long statistics = averaged ? 4L * TrainingGraph.AVERAGE_STATISTICS_BATCH * perG : 0;
    long grid = 4L * 10 * network.numClasses() * (perG + pixels);
    long activationBytes = Math.max(step, Math.max(statistics, grid));

    return new TrainingMemory(data.heapBytes(), dataBytes, networkBytes, activationBytes);
  }

  /** Native memory at the peak. */
  public long nativeBytes() {
    return dataBytes + networkBytes + activationBytes + RUNTIME_BYTES;
  }

  /** What does not depend on the number of images: the networks, their work and the runtime. */
  public long modelBytes() {
    return networkBytes + activationBytes + RUNTIME_BYTES;
  }

  /**
   * Label table, then Linear (c + latent → 128 → 256 → 512 → 1024 → pixels) and 3 BatchNorms; the
   * conv network's from its {@link ConvPlan}.
   */
  public static long generatorVariables(CganConfig m) {
    if (m.arch() == Architecture.CONV) {
      return ConvPlan.of(m).generatorVariables();
    }
    long c = m.numClasses();
    long in = c + m.latentDim();
    long total = c * c;
    for (int i = 0; i < G_WIDTHS.length; i++) {
      total += in * G_WIDTHS[i] + G_WIDTHS[i] + (i > 0 ? 2L * G_WIDTHS[i] : 0);
      in = G_WIDTHS[i];
    }
    return total + in * m.imagePixels() + m.imagePixels();
  }

  /**
   * Label table, then Linear (pixels + c → 512 → 512 → 512 → 1); the conv network's by its plan.
   */
  public static long discriminatorVariables(CganConfig m) {
    if (m.arch() == Architecture.CONV) {
      return ConvPlan.of(m).discriminatorVariables();
    }
    long c = m.numClasses();
    return c * c
        + (m.imagePixels() + c) * D_WIDTH
        + D_WIDTH
        + 2L * (D_WIDTH * D_WIDTH + D_WIDTH)
        + D_WIDTH
        + 1;
  }

  /**
   * Floats one sample leaves in G's forward pass: the embedding and its concatenation with z, each
   * Linear's output and its activation, each BatchNorm's normalised, scaled and activated copies,
   * the last Linear and its tanh.
   */
  static long generatorActivations(CganConfig m) {
    if (m.arch() == Architecture.CONV) {
      return ConvPlan.of(m).generatorActivations();
    }
    long c = m.numClasses();
    long total = 2 * c + m.latentDim() + 2L * G_WIDTHS[0];
    for (int i = 1; i < G_WIDTHS.length; i++) {
      total += 4L * G_WIDTHS[i];
    }
    return total + 2L * m.imagePixels();
  }

  /**
   * Floats one sample leaves in D's forward pass: the flat image, the embedding, the first Linear
   * and its activation, and for each dropout layer its Linear, random draw, mask, product and
   * activation.
   */
  static long discriminatorActivations(CganConfig m) {
    if (m.arch() == Architecture.CONV) {
      return ConvPlan.of(m).discriminatorActivations();
    }
    return m.imagePixels() + m.numClasses() + 2L * D_WIDTH + 2 * 5L * D_WIDTH + 1;
  }
}
