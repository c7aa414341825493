package dev.cgan.serve;

import dev.cgan.model.Weights;
import dev.cgan.run.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Session;

/**
 * Reads a run's weights for inference without changing the run: the newest checkpoint on disk that
 * restores, found by the same resolver the trainer uses. A checkpoint rotated away by a trainer
 * between listing and reading makes it look again, so reading a run being trained is safe.
 */
final class RunCheckpoint {
  /** Where a reader's warnings go (a corrupt checkpoint skipped): the application's logging. */
  private static final Logger LOG = LoggerFactory.getLogger(CganGenerator.class);

  private RunCheckpoint() {}

  /**
   * The weights to read from {@code run}: {@code requested}, or by default the average when the run
   * keeps one.
   *
   * @throws IOException when the average is asked of a run that keeps none
   */
  static Weights choose(RunFolder run, Weights requested) throws IOException {
    boolean averaged = run.settings().averaged();
    if (requested == null) {
      return averaged ? Weights.EMA : Weights.RAW;
    }
    if (requested == Weights.EMA && !averaged) {
      throw new IOException(
          run.root()
              + " keeps no averaged generator (trained with EMA decay 0, or by an earlier"
              + " version); only its raw weights exist");
    }
    return requested;
  }

  /** Restores into {@code session}; returns the prefix restored. */
  static Path restore(RunFolder run, Session session) throws IOException {
    return run.checkpoints()
        .restoreNewest(
            session::restore, "the model in " + run.root().resolve(RunFolder.CONFIG), LOG::warn)
        .prefix()
        .orElseThrow(() -> new IOException(run.root() + " has no checkpoint yet (train it first)"));
  }
}
