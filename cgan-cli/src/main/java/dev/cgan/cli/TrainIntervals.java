package dev.cgan.cli;

import dev.cgan.train.RunSettings;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/** {@code train}'s intervals: sample grids, checkpoints, metrics rows, evaluations. */
final class TrainIntervals {
  @Option(
      names = "--sample-interval",
      paramLabel = "N",
      defaultValue = "500",
      description = "Iterations between sample grids in RUN/samples (default: ${DEFAULT-VALUE}).")
  int sampleInterval;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Iterations between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointInterval;

  @Option(
      names = "--log-interval",
      paramLabel = "N",
      defaultValue = "100",
      description = "Iterations between metrics rows (default: ${DEFAULT-VALUE}).")
  int logInterval;

  @Option(
      names = "--keep",
      paramLabel = "K",
      defaultValue = "3",
      description = "Checkpoints to keep (default: ${DEFAULT-VALUE}).")
  int keep;

  @Option(
      names = "--eval-interval",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Score the generator every N iterations and at the end: conditional accuracy, Frechet"
              + " distance, classifier score (digit models; 0 = off).")
  long evalInterval;

  @Option(
      names = "--eval-samples",
      paramLabel = "N",
      defaultValue = "100",
      description = "Samples per class for --eval-interval (default: ${DEFAULT-VALUE}).")
  int evalSamples;

  /** The intervals and {@code keep} onto {@code b}, each only where {@code given(option)}. */
  RunSettings.Builder applyTo(RunSettings.Builder b, Predicate<String> given) {
    if (given.test("--sample-interval")) {
      b.sampleInterval(sampleInterval);
    }
    if (given.test("--checkpoint-interval")) {
      b.checkpointInterval(checkpointInterval);
    }
    if (given.test("--log-interval")) {
      b.logInterval(logInterval);
    }
    if (given.test("--keep")) {
      b.keep(keep);
    }
    return b;
  }
}
