package dev.cgan.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Map;

/**
 * Hooks around a run's {@code train}, as Keras's callbacks: the metrics CSV, TensorBoard, sample
 * grids, checkpoints and the loss plot are listeners (see {@link Listeners}), and so is anything a
 * user adds. Every method has an empty default. Listeners are called in list order, on the training
 * thread.
 */
public interface TrainingListener {
  /** Before the first iteration; {@link TrainingContext#firstIteration()} is where it starts. */
  default void onTrainBegin(TrainingContext context) throws IOException {}

  /** After every iteration; {@link TrainingContext#iteration()} iterations are complete. */
  default void onIterationEnd(TrainingContext context) throws IOException {}

  /** At every log interval (and the last iteration), with the losses of that iteration. */
  default void onLog(TrainingContext context, Metrics metrics) throws IOException {}

  /** Scalars another listener published (evaluation figures, for example) for {@code step}. */
  default void onScalars(TrainingContext context, long step, Map<String, Float> values)
      throws IOException {}

  /** An image another listener published (a sample grid, for example) for {@code step}. */
  default void onImage(TrainingContext context, long step, String tag, BufferedImage image)
      throws IOException {}

  /**
   * When training ends normally or because a stop was requested (not when it fails): the place to
   * save the state reached.
   */
  default void onTrainEnd(TrainingContext context, Outcome outcome) throws IOException {}

  /** Always called last, even when training failed: release what {@link #onTrainBegin} opened. */
  default void close() throws IOException {}
}
