package dev.cgan.cli;

import dev.cgan.run.RunSettings;
import dev.cgan.train.ResumeOptions;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** {@code train}'s intervals: sample grids, checkpoints, metrics rows, evaluations. */
final class TrainIntervals {
  @Option(names = "--sample-interval", paramLabel = "N")
  Integer sampleInterval;

  @Option(names = "--checkpoint-interval", paramLabel = "N")
  Integer checkpointInterval;

  @Option(names = "--log-interval", paramLabel = "N")
  Integer logInterval;

  @Option(names = "--keep", paramLabel = "K")
  Integer keep;

  @Option(names = "--eval-interval", paramLabel = "N", defaultValue = "0")
  long evalInterval;

  @Option(names = "--eval-samples", paramLabel = "N", defaultValue = "100")
  int evalSamples;

  /** The intervals and {@code keep} given on the command line, onto a new run's settings. */
  RunSettings.Builder applyTo(RunSettings.Builder b) {
    ifGiven(sampleInterval, b::sampleInterval);
    ifGiven(checkpointInterval, b::checkpointInterval);
    ifGiven(logInterval, b::logInterval);
    ifGiven(keep, b::keep);
    return b;
  }

  /** The intervals and {@code keep} given on the command line, as a resume's changes. */
  ResumeOptions applyTo(ResumeOptions r) {
    r = sampleInterval == null ? r : r.sampleInterval(sampleInterval);
    r = checkpointInterval == null ? r : r.checkpointInterval(checkpointInterval);
    r = logInterval == null ? r : r.logInterval(logInterval);
    return keep == null ? r : r.keep(keep);
  }

  /** Sets a library setting only from an option the user typed: defaults are the library's. */
  static <T> void ifGiven(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
