package dev.cgan.train;

/**
 * What one logged iteration reports.
 *
 * @param iteration iterations completed
 * @param epoch epochs begun (0-based epoch of the last iteration)
 * @param discriminatorLoss L_D of the last iteration's batch
 * @param generatorLoss L_G of the last iteration's batch
 * @param meanRealScore mean D(x, y) over the real batch
 * @param meanFakeScore mean D(G(z, y), y) over the generated batch
 * @param imagesPerSecond training throughput since the previous log
 * @param elapsedSeconds wall time of this process's training so far
 */
public record Metrics(
    long iteration,
    long epoch,
    double discriminatorLoss,
    double generatorLoss,
    double meanRealScore,
    double meanFakeScore,
    double imagesPerSecond,
    double elapsedSeconds) {

  public boolean isFinite() {
    return Double.isFinite(discriminatorLoss) && Double.isFinite(generatorLoss);
  }
}
