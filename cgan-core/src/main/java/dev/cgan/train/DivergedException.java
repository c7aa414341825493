package dev.cgan.train;

import java.io.IOException;
import java.nio.file.Path;

/** A NaN or infinite loss; the newest checkpoint is the last good state. */
public final class DivergedException extends IOException {
  private static final long serialVersionUID = 1L;

  DivergedException(Metrics m, Path lastGood) {
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
