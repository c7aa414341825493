package dev.cgan.serve;

import dev.cgan.train.internal.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Session;

/**
 * Reads a run's weights for inference without changing the run: the newest checkpoint on disk that
 * restores, found by the same resolver the trainer uses. A checkpoint rotated away by a trainer
 * between listing and reading makes it look again, so reading a run being trained is safe.
 */
final class RunCheckpoint {
  private RunCheckpoint() {}

  /** Restores into {@code session}; returns the prefix restored. */
  static Path restore(RunFolder run, Session session) throws IOException {
    return run.checkpoints()
        .restoreNewest(
            session::restore,
            "the model in " + run.root().resolve(RunFolder.CONFIG),
            System.err::println)
        .prefix()
        .orElseThrow(() -> new IOException(run.root() + " has no checkpoint yet (train it first)"));
  }
}
