package dev.cgan.train;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.model.CganConfig;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Small real data and short specs that keep training tests fast. */
public final class TinyData {
  private static LabeledImages digits;

  private TinyData() {}

  /** The first 320 embedded MNIST digits. */
  public static synchronized LabeledImages digits() {
    if (digits == null) {
      try {
        digits = EmbeddedMnist.load().subset(0, 320);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return digits;
  }

  /** The reference network and optimiser at batch 32 for {@code iterations}. */
  public static TrainingSpec spec(long iterations) {
    return new TrainingSpec(CganConfig.reference(), 32, 5, iterations, 2e-4f, 0.5f, 0.999f, false);
  }

  public static RunConfig run(TrainingSpec spec) {
    return new RunConfig(spec, RunConfig.EMBEDDED, 3, 4, 2, 3, "0123456789", null);
  }
}
