package dev.cgan.train;

import dev.cgan.TensorArrays;
import dev.cgan.data.LabeledImages;
import dev.cgan.image.LossPlot;
import dev.cgan.image.Png;
import dev.cgan.image.Tiles;
import dev.cgan.model.Seeds;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Runs a {@link TrainingGraph} in a {@link RunFolder}: iterations, the metrics log, sample grids
 * and checkpoints; resumes from the folder's newest checkpoint when it has one.
 */
public final class Trainer {
  /** Rows of a sample grid; each row holds one sample of every class, in class order. */
  public static final int GRID_ROWS = 10;

  /** Hooks for progress reporting; every method has an empty default. */
  public interface Listener {
    default void started(long fromIteration, long totalIterations) {}

    default void iterationDone(long iteration, long totalIterations) {}

    default void logged(Metrics metrics) {}

    default void sampled(long iteration, Path png) {}

    default void checkpointed(long iteration, Path prefix) {}

    default void evaluated(long iteration, Scores scores) {}
  }

  /** Quality figures of generated samples (see dev.cgan.eval.Evaluator). */
  public record Scores(
      double conditionalAccuracy,
      double frechetDistance,
      double classifierScore,
      double diversityRatio) {}

  /**
   * Scores samples drawn by the generator being trained: images [n][H·W·C] in [−1, 1], labels [n].
   */
  public interface SampleScorer {
    Scores score(float[][] images, int[] labels) throws IOException;
  }

  /** How a call of {@link #train} ended. */
  public record Outcome(long iterations, boolean stoppedEarly, Metrics lastMetrics) {}

  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private ConfigProto sessionConfig = TrainingThreads.config();
  private long evalInterval;
  private int evalSamplesPerClass;
  private SampleScorer scorer;

  /**
   * Session options (threads, precision) for the training session: {@link TrainingThreads#config()}
   * unless set; null for TensorFlow's defaults.
   */
  public Trainer withSessionConfig(ConfigProto config) {
    this.sessionConfig = config;
    return this;
  }

  /**
   * Scores {@code samplesPerClass} fresh samples of every class every {@code interval} iterations
   * (and at the end), into {@code eval.csv}, TensorBoard and {@link Listener#evaluated}. The noise
   * is the same at every evaluation, so the figures are comparable along the run.
   */
  public Trainer evaluateEvery(long interval, int samplesPerClass, SampleScorer scorer) {
    if (interval < 1 || samplesPerClass < 2) {
      throw new IllegalArgumentException(
          "evaluation needs an interval ≥ 1 and ≥ 2 samples per class, got "
              + interval
              + " and "
              + samplesPerClass);
    }
    this.evalInterval = interval;
    this.evalSamplesPerClass = samplesPerClass;
    this.scorer = scorer;
    return this;
  }

  /** Asks a running {@link #train} to checkpoint and return after the current iteration. */
  public void requestStop() {
    stopRequested.set(true);
  }

  /**
   * Trains until the run's configured total, starting from its newest checkpoint if it has one.
   *
   * @throws TrainingDivergedException when a loss becomes NaN or infinite; the newest checkpoint is
   *     the last good state
   */
  public Outcome train(RunFolder run, LabeledImages data, Listener listener) throws IOException {
    // One trainer per run folder: two would interleave checkpoints and metrics. The OS releases
    // the lock when the process dies, so a crash never leaves the run locked.
    try (FileChannel channel =
            FileChannel.open(
                run.root().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = tryLock(channel, run)) {
      return trainLocked(run, data, listener);
    }
  }

  private static FileLock tryLock(FileChannel channel, RunFolder run) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    }
    if (lock == null) {
      throw new IOException(
          run.root()
              + " is being trained by another process; wait for it to finish or stop it first");
    }
    return lock;
  }

  private Outcome trainLocked(RunFolder run, LabeledImages data, Listener listener)
      throws IOException {
    RunConfig cfg = run.config();
    TrainingSpec spec = cfg.spec();
    Checkpoints checkpoints = run.checkpoints();
    checkpoints.cleanUp();
    Files.createDirectories(run.samplesDir());
    try (Graph graph = new Graph()) {
      TrainingGraph tg = new TrainingGraph(graph, spec, data);
      try (Session session =
          sessionConfig == null ? new Session(graph) : new Session(graph, sessionConfig)) {
        Optional<Path> latest = checkpoints.latest();
        long it;
        if (latest.isPresent()) {
          restore(session, latest.get(), run);
          it = readStep(session, tg);
        } else {
          session.initialize();
          it = 0;
        }
        long total = spec.iterations();
        listener.started(it, total);
        Metrics last = null;
        long lastSaved = latest.isPresent() ? it : -1;
        try (MetricsLog log = new MetricsLog(run.metricsFile(), it);
            EvaluationLog evalLog =
                scorer == null ? null : new EvaluationLog(run.evaluationFile(), it);
            TensorBoardLog board = new TensorBoardLog(run.tensorBoardDir())) {
          long t0 = System.nanoTime();
          long windowStart = t0;
          long windowIterations = 0;
          boolean ordered = false;
          while (it < total && !stopRequested.get()) {
            if (!ordered || it % tg.iterationsPerEpoch == 0) {
              session.run(tg.reshuffle);
              ordered = true;
            }
            boolean logNow = (it + 1) % cfg.logInterval() == 0 || it + 1 == total;
            float[] m = step(session, tg, spec.twoStep(), logNow);
            it++;
            windowIterations++;
            listener.iterationDone(it, total);
            if (logNow) {
              long now = System.nanoTime();
              double ips =
                  windowIterations * (double) spec.batchSize() / ((now - windowStart) / 1e9);
              last =
                  new Metrics(
                      it,
                      (it - 1) / tg.iterationsPerEpoch,
                      m[0],
                      m[1],
                      m[2],
                      m[3],
                      ips,
                      (now - t0) / 1e9);
              windowStart = now;
              windowIterations = 0;
              if (!last.isFinite()) {
                throw new TrainingDivergedException(last, checkpoints.latest().orElse(null));
              }
              log.append(last);
              board.scalars(
                  it,
                  Map.of(
                      TensorBoardLog.DISCRIMINATOR_LOSS,
                      m[0],
                      TensorBoardLog.GENERATOR_LOSS,
                      m[1],
                      TensorBoardLog.REAL_SCORE,
                      m[2],
                      TensorBoardLog.FAKE_SCORE,
                      m[3],
                      TensorBoardLog.IMAGES_PER_SECOND,
                      (float) ips));
              listener.logged(last);
            }
            if (it % cfg.sampleInterval() == 0 || it == total) {
              Path png = run.samplesDir().resolve(it + ".png");
              BufferedImage grid = sampleGrid(session, tg, spec);
              Png.write(grid, png);
              board.image(
                  it,
                  TensorBoardLog.SAMPLES,
                  ((DataBufferByte) grid.getRaster().getDataBuffer()).getData(),
                  grid.getHeight(),
                  grid.getWidth(),
                  1);
              listener.sampled(it, png);
            }
            if (scorer != null && (it % evalInterval == 0 || it == total)) {
              Scores scores =
                  scorer.score(
                      sampleImages(session, tg, spec, evalSamplesPerClass),
                      evaluationLabels(spec, evalSamplesPerClass));
              evalLog.append(it, scores);
              board.scalars(
                  it,
                  Map.of(
                      "eval/conditional_accuracy",
                      (float) scores.conditionalAccuracy(),
                      "eval/frechet_distance",
                      (float) scores.frechetDistance(),
                      "eval/classifier_score",
                      (float) scores.classifierScore(),
                      "eval/diversity_ratio",
                      (float) scores.diversityRatio()));
              listener.evaluated(it, scores);
            }
            if (it % cfg.checkpointInterval() == 0 || it == total) {
              listener.checkpointed(it, save(checkpoints, session, tg, it));
              lastSaved = it;
            }
          }
          if (lastSaved != it) {
            listener.checkpointed(it, save(checkpoints, session, tg, it));
          }
        }
        plotLosses(run);
        return new Outcome(it, it < total, last);
      }
    }
  }

  /** One iteration; returns {d_loss, g_loss, mean D(x), mean D(G(z))} when asked, else null. */
  private static float[] step(
      Session session, TrainingGraph tg, boolean twoStep, boolean fetchMetrics) {
    if (!twoStep) {
      Session.Runner r = session.runner().addTarget(tg.trainStep);
      return fetchMetrics ? fetchScalars(addMetrics(r, tg)) : runTargets(r);
    }
    try (Result g = session.runner().addTarget(tg.generatorStep).fetch(tg.fakeImages).run()) {
      Session.Runner r =
          session.runner().feed(tg.fakeImages, g.get(0)).addTarget(tg.discriminatorStep);
      return fetchMetrics ? fetchScalars(addMetrics(r, tg)) : runTargets(r);
    }
  }

  private static Session.Runner addMetrics(Session.Runner r, TrainingGraph tg) {
    return r.fetch(tg.discriminatorLoss)
        .fetch(tg.generatorLoss)
        .fetch(tg.meanRealScore)
        .fetch(tg.meanFakeScore);
  }

  private static float[] runTargets(Session.Runner r) {
    r.run().close();
    return null;
  }

  private static float[] fetchScalars(Session.Runner r) {
    try (Result res = r.run()) {
      float[] out = new float[res.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = ((TFloat32) res.get(i)).getFloat();
      }
      return out;
    }
  }

  /** Restores {@code prefix}, or names it and the configuration it does not fit. */
  private static void restore(Session session, Path prefix, RunFolder run) throws IOException {
    try {
      session.restore(prefix.toString());
    } catch (RuntimeException e) {
      // A shape mismatch is a TFInvalidArgumentException, which is no TensorFlowException.
      throw new IOException(
          "checkpoint "
              + prefix
              + " does not fit the network and data of "
              + run.root().resolve(RunFolder.CONFIG)
              + ": "
              + TensorArrays.firstLine(e.getMessage()),
          e);
    }
  }

  /**
   * Saves a checkpoint only if the weights give finite losses: a loss is logged one update late and
   * only every log interval, and a diverged checkpoint must never push a good one out.
   */
  private static Path save(Checkpoints checkpoints, Session session, TrainingGraph tg, long it)
      throws IOException {
    float[] m = fetchScalars(addMetrics(session.runner(), tg));
    Metrics now = new Metrics(it, it / tg.iterationsPerEpoch, m[0], m[1], m[2], m[3], 0, 0);
    if (!now.isFinite()) {
      throw new TrainingDivergedException(now, checkpoints.latest().orElse(null));
    }
    return checkpoints.save(session, it);
  }

  private static long readStep(Session session, TrainingGraph tg) {
    try (Result r = session.runner().fetch(tg.step).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  /** {@code losses.png}: D and G loss over the iterations of {@code metrics.csv}. */
  private static void plotLosses(RunFolder run) throws IOException {
    List<Metrics> rows = MetricsLog.read(run.metricsFile());
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("D loss", rows.stream().mapToDouble(Metrics::discriminatorLoss).toArray());
    series.put("G loss", rows.stream().mapToDouble(Metrics::generatorLoss).toArray());
    Png.write(
        LossPlot.render(rows.stream().map(Metrics::iteration).toList(), series, 800, 400),
        run.lossPlot());
  }

  /** A grid of {@link #GRID_ROWS} rows, each with classes 0..k−1, from fixed per-run noise. */
  private static BufferedImage sampleGrid(Session session, TrainingGraph tg, TrainingSpec spec) {
    int classes = spec.model().numClasses();
    int[] labels = new int[GRID_ROWS * classes];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % classes;
    }
    int size = spec.model().imageSize();
    try (Result r = sample(session, tg, labels, Seeds.derive(spec.seed(), 99), tg.samplePixels)) {
      byte[] pixels = TensorArrays.bytes((TUint8) r.get(0));
      return Tiles.grid(pixels, GRID_ROWS, classes, size, size, spec.model().channels());
    }
  }

  /** Class c repeated samplesPerClass times, for c = 0..k−1. */
  private static int[] evaluationLabels(TrainingSpec spec, int samplesPerClass) {
    int[] labels = new int[spec.model().numClasses() * samplesPerClass];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i / samplesPerClass;
    }
    return labels;
  }

  private static float[][] sampleImages(
      Session session, TrainingGraph tg, TrainingSpec spec, int samplesPerClass) {
    int[] labels = evaluationLabels(spec, samplesPerClass);
    try (Result r = sample(session, tg, labels, Seeds.derive(spec.seed(), 98), tg.sampleImages)) {
      return TensorArrays.rows((TFloat32) r.get(0));
    }
  }

  /**
   * The inference-mode generator on {@code labels} with the noise of {@code seed}; caller closes.
   */
  private static Result sample(
      Session session, TrainingGraph tg, int[] labels, long seed, Operand<?> output) {
    try (TInt32 l = TInt32.vectorOf(labels);
        TInt64 s = TInt64.scalarOf(seed)) {
      return session.runner().feed(tg.sampleLabels, l).feed(tg.sampleSeed, s).fetch(output).run();
    }
  }

  /** Throwable for a non-finite loss; names the last good checkpoint. */
  public static final class TrainingDivergedException extends IOException {
    public TrainingDivergedException(Metrics m, Path lastGood) {
      super(
          "training diverged at iteration "
              + m.iteration()
              + " (d_loss "
              + m.discriminatorLoss()
              + ", g_loss "
              + m.generatorLoss()
              + "); the last good checkpoint is "
              + (lastGood == null ? "none" : lastGood.getFileName()));
    }
  }
}
