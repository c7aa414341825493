package dev.cgan.train;

import dev.cgan.model.Weights;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** What a {@link TrainingListener} sees of the training in progress. */
public interface TrainingContext {
  /** Rows of a sample grid; each row holds one sample of every class, in class order. */
  int GRID_ROWS = 10;

  /** The run folder: where each of its files is. */
  RunFolder run();

  /** The run folder's path. */
  default Path folder() {
    return run().root();
  }

  /** The run's resolved settings. */
  RunSettings settings();

  /** Iterations completed. */
  long iteration();

  /** The iteration this call of {@code train} started from (0 or a checkpoint's). */
  long firstIteration();

  /** Total iterations of the run. */
  long totalIterations();

  /** Iterations per epoch: whole batches of the data set. */
  long iterationsPerEpoch();

  /** Whether {@link #iteration()} is the run's last. */
  default boolean isLastIteration() {
    return iteration() == totalIterations();
  }

  /**
   * The weights the run shows: {@link Weights#EMA} when it keeps an averaged generator ({@link
   * RunSettings#emaDecay()} above 0), else {@link Weights#RAW}.
   */
  default Weights weights() {
    return settings().emaDecay() > 0 ? Weights.EMA : Weights.RAW;
  }

  /**
   * The generator of {@code weights} in inference mode (BatchNorm running statistics, no dropout)
   * on {@code labels}, with the noise of {@code seed}: float images [n][H·W·C] in [−1, 1].
   *
   * @throws IllegalStateException for {@link Weights#EMA} in a run without an average
   */
  float[][] sampleImages(int[] labels, long seed, Weights weights);

  /** {@link #sampleImages(int[], long, Weights)} of the run's {@link #weights()}. */
  default float[][] sampleImages(int[] labels, long seed) {
    return sampleImages(labels, seed, weights());
  }

  /** As {@link #sampleImages}, quantised as the result image is: uint8 [n·H·W·C]. */
  byte[] samplePixels(int[] labels, long seed, Weights weights);

  /** {@link #samplePixels(int[], long, Weights)} of the run's {@link #weights()}. */
  default byte[] samplePixels(int[] labels, long seed) {
    return samplePixels(labels, seed, weights());
  }

  /**
   * {@link #GRID_ROWS} rows × one sample of every class, from the noise of {@code seed} and the
   * run's {@link #weights()}.
   */
  BufferedImage sampleGrid(long seed);

  /** The losses of the current weights on this iteration's batch, computed now. */
  Metrics currentMetrics();

  /**
   * Writes every variable of the training graph (both networks, both optimisers, the iteration) as
   * a TensorFlow checkpoint under {@code prefix}.
   */
  void saveVariables(String prefix) throws IOException;

  /** Passes scalars to every listener's {@link TrainingListener#onScalars}. */
  void publishScalars(long step, Map<String, Float> values) throws IOException;

  /** Passes an image to every listener's {@link TrainingListener#onImage}. */
  void publishImage(long step, String tag, BufferedImage image) throws IOException;

  /** Reports a problem that does not stop training (to the run's warnings: SLF4J by default). */
  void warn(String message);
}
