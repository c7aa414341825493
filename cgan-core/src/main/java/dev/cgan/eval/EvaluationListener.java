package dev.cgan.eval;

import dev.cgan.model.Weights;
import dev.cgan.train.TrainingContext;
import dev.cgan.train.TrainingListener;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Scores the generator being trained every {@code interval} iterations and at the end: {@code
 * samplesPerClass} samples of every class, from noise that is the same at every evaluation so that
 * the figures are comparable along the run. The raw weights are scored, and so is the averaged
 * generator when the run keeps one. Each report goes to {@code eval.csv} (one row per evaluation,
 * the average's columns prefixed {@code ema_}), to the other listeners as the scalars {@code
 * eval/…} and {@code eval_ema/…} (TensorBoard shows them) and, for the weights the run shows (the
 * average when there is one), to {@code onReport}.
 *
 * <pre>{@code
 * try (Evaluator evaluator = Evaluator.open()) {
 *   List<TrainingListener> listeners = Listeners.standard();
 *   listeners.add(new EvaluationListener(evaluator, 1000, 100, (it, r) -> {}));
 *   run.train(listeners);
 * }
 * }</pre>
 */
public final class EvaluationListener implements TrainingListener {
  private final Evaluator evaluator;
  private final long interval;
  private final int samplesPerClass;
  private final BiConsumer<Long, EvaluationReport> onReport;
  private EvaluationLog log;

  /**
   * @param evaluator scores the samples; the caller closes it
   * @param interval iterations between evaluations (at least 1)
   * @param samplesPerClass generated samples of every class per evaluation (at least 2)
   * @param onReport called with the iteration and the report of every evaluation
   */
  public EvaluationListener(
      Evaluator evaluator,
      long interval,
      int samplesPerClass,
      BiConsumer<Long, EvaluationReport> onReport) {
    if (interval < 1) {
      throw new IllegalArgumentException("evaluation interval must be at least 1, got " + interval);
    }
    if (samplesPerClass < 2) {
      throw new IllegalArgumentException(
          "evaluation needs at least 2 samples per class (diversity compares pairs), got "
              + samplesPerClass);
    }
    this.evaluator = evaluator;
    this.interval = interval;
    this.samplesPerClass = samplesPerClass;
    this.onReport = onReport;
  }

  @Override
  public void onTrainBegin(TrainingContext c) throws IOException {
    evaluator.requireModel(c.settings().network());
    log =
        new EvaluationLog(c.run().evaluationFile(), c.firstIteration(), c.weights() == Weights.EMA);
  }

  @Override
  public void onIterationEnd(TrainingContext c) throws IOException {
    long it = c.iteration();
    if (it % interval != 0 && !c.isLastIteration()) {
      return;
    }
    int[] labels = labels(c.settings().network().numClasses(), samplesPerClass);
    long seed = c.settings().evaluationSeed();
    EvaluationReport raw = evaluator.evaluate(c.sampleImages(labels, seed, Weights.RAW), labels);
    EvaluationReport ema =
        c.weights() == Weights.EMA
            ? evaluator.evaluate(c.sampleImages(labels, seed, Weights.EMA), labels)
            : null;
    log.append(it, raw, ema);
    Map<String, Float> values = new LinkedHashMap<>();
    put(values, "eval/", raw);
    if (ema != null) {
      put(values, "eval_ema/", ema);
    }
    c.publishScalars(it, values);
    onReport.accept(it, ema != null ? ema : raw);
  }

  private static void put(Map<String, Float> values, String prefix, EvaluationReport r) {
    values.put(prefix + "conditional_accuracy", (float) r.conditionalAccuracy());
    values.put(prefix + "frechet_distance", (float) r.frechetDistance());
    values.put(prefix + "classifier_score", (float) r.classifierScore());
    values.put(prefix + "diversity_ratio", (float) r.diversityRatio());
  }

  /** Class c repeated samplesPerClass times, for c = 0..k−1. */
  static int[] labels(int classes, int samplesPerClass) {
    int[] labels = new int[classes * samplesPerClass];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i / samplesPerClass;
    }
    return labels;
  }

  @Override
  public void close() throws IOException {
    if (log != null) {
      log.close();
      log = null;
    }
  }
}
