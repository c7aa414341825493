package dev.cgan.run;

import dev.cgan.model.CganConfig;

/**
 * Everything that decides what a training run computes. Stored in the run folder so that {@code
 * --resume} rebuilds the same graph.
 *
 * @param model the network's shape
 * @param batchSize images per iteration (reference: 64)
 * @param seed seeds the initial weights, the data order, noise, labels and dropout
 * @param iterations total iterations of the run (G step + D step each)
 * @param learningRate Adam learning rate of both networks (reference: 2e-4)
 * @param beta1 Adam β1 (reference: 0.5)
 * @param beta2 Adam β2 (reference: 0.999)
 * @param twoStep run the reference's two-step order (G step, then D step) as two session runs
 *     instead of one fused run; same mathematics, slower
 * @param emaDecay decay of the exponential moving average of G's weights kept beside them, or 0 for
 *     none (the reference; also what a run.json written before the average reads as)
 */
public record TrainingSpec(
    CganConfig model,
    int batchSize,
    long seed,
    long iterations,
    float learningRate,
    float beta1,
    float beta2,
    boolean twoStep,
    float emaDecay) {

  public TrainingSpec {
    if (batchSize < 2) {
      throw new IllegalArgumentException(
          "batch size must be at least 2 (BatchNorm needs a batch), got " + batchSize);
    }
    if (iterations < 0) {
      throw new IllegalArgumentException("iterations must not be negative, got " + iterations);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    if (!(emaDecay >= 0 && emaDecay < 1)) {
      throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
    }
  }

  public TrainingSpec withIterations(long n) {
    return new TrainingSpec(
        model, batchSize, seed, n, learningRate, beta1, beta2, twoStep, emaDecay);
  }

  public TrainingSpec withBatchSize(int n) {
    return new TrainingSpec(
        model, n, seed, iterations, learningRate, beta1, beta2, twoStep, emaDecay);
  }

  public TrainingSpec withTwoStep(boolean literal) {
    return new TrainingSpec(
        model, batchSize, seed, iterations, learningRate, beta1, beta2, literal, emaDecay);
  }

  public TrainingSpec withEmaDecay(float decay) {
    return new TrainingSpec(
        model, batchSize, seed, iterations, learningRate, beta1, beta2, twoStep, decay);
  }

  /** Whether the run keeps an averaged generator. */
  public boolean averaged() {
    return emaDecay > 0;
  }
}
