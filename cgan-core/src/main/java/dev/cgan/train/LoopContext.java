package dev.cgan.train;

import dev.cgan.image.Tiles;
import dev.cgan.internal.TensorArrays;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Weights;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import dev.cgan.train.internal.TrainingGraph;
import dev.cgan.train.internal.TrainingStep;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** The training loop's state as listeners see it: one per call of {@code train}. */
final class LoopContext implements TrainingContext {
  private final RunFolder run;
  private final Session session;
  private final TrainingGraph tg;
  private final TrainingStep step;
  private final long first;
  private final List<TrainingListener> listeners;
  private final Consumer<String> warnings;
  private long averageRefreshedAt = -1;

  LoopContext(
      RunFolder run,
      Session session,
      TrainingGraph tg,
      long first,
      List<TrainingListener> listeners,
      Consumer<String> warnings) {
    this.run = run;
    this.session = session;
    this.tg = tg;
    this.first = first;
    this.step = new TrainingStep(session, tg, run.settings().twoStep(), first);
    this.listeners = listeners;
    this.warnings = warnings;
  }

  TrainingStep step() {
    return step;
  }

  Metrics metrics(float[] m, double ips, double elapsed) {
    long it = step.iteration();
    return new Metrics(it, (it - 1) / tg.iterationsPerEpoch, m[0], m[1], m[2], m[3], ips, elapsed);
  }

  void requireFinite(Metrics m) throws IOException {
    if (!m.isFinite()) {
      throw new DivergedException(m, run.checkpoints().latest().orElse(null));
    }
  }

  @Override
  public RunFolder run() {
    return run;
  }

  @Override
  public RunSettings settings() {
    return run.settings();
  }

  @Override
  public long iteration() {
    return step.iteration();
  }

  @Override
  public long firstIteration() {
    return first;
  }

  @Override
  public long totalIterations() {
    return run.settings().iterations();
  }

  @Override
  public long iterationsPerEpoch() {
    return tg.iterationsPerEpoch;
  }

  @Override
  public float[][] sampleImages(int[] labels, long seed, Weights weights) {
    try (Result r = sample(labels, seed, weights, tg.sampleImages(weights))) {
      return TensorArrays.rows((TFloat32) r.get(0));
    }
  }

  @Override
  public byte[] samplePixels(int[] labels, long seed, Weights weights) {
    try (Result r = sample(labels, seed, weights, tg.samplePixels(weights))) {
      return TensorArrays.bytes((TUint8) r.get(0));
    }
  }

  /**
   * The average's BatchNorm statistics are recomputed lazily, once per iteration that reads the
   * average or saves it, so a checkpoint's statistics always fit its averaged weights.
   */
  private void refreshAverage() {
    if (tg.averaged != null && averageRefreshedAt != step.iteration()) {
      session.runner().addTarget(tg.refreshAverageStatistics).run();
      averageRefreshedAt = step.iteration();
    }
  }

  @Override
  public BufferedImage sampleGrid(long seed) {
    CganConfig model = run.settings().network();
    int classes = model.numClasses();
    int[] labels = new int[GRID_ROWS * classes];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % classes;
    }
    int size = model.imageSize();
    return Tiles.grid(samplePixels(labels, seed), GRID_ROWS, classes, size, size, model.channels());
  }

  private Result sample(int[] labels, long seed, Weights weights, Operand<?> output) {
    if (weights == Weights.EMA) {
      refreshAverage();
    }
    try (TInt32 l = TInt32.vectorOf(labels);
        TInt64 s = TInt64.scalarOf(seed)) {
      return session.runner().feed(tg.sampleLabels, l).feed(tg.sampleSeed, s).fetch(output).run();
    }
  }

  @Override
  public Metrics currentMetrics() {
    return metrics(step.currentMetrics(), 0, 0);
  }

  @Override
  public void saveVariables(String prefix) throws IOException {
    try {
      refreshAverage();
      session.save(prefix);
    } catch (RuntimeException e) {
      // TensorFlow's errors are TensorFlowExceptions or, for some codes,
      // IllegalArgumentException; the first line of the message has the errno.
      throw new IOException(TensorArrays.firstLine(e.getMessage()), e);
    }
  }

  @Override
  public void publishScalars(long s, Map<String, Float> values) throws IOException {
    for (TrainingListener l : listeners) {
      l.onScalars(this, s, values);
    }
  }

  @Override
  public void publishImage(long s, String tag, BufferedImage image) throws IOException {
    for (TrainingListener l : listeners) {
      l.onImage(this, s, tag, image);
    }
  }

  @Override
  public void warn(String message) {
    warnings.accept(message);
  }
}
