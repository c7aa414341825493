package dev.cgan.train;

import dev.cgan.data.DataSource;
import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.run.RunSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small real data and short runs that keep training tests fast. */
public final class TinyData {
  private static LabeledImages digits;
  private static Path folder;

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

  /** {@link #digits()} as an IDX folder, written once per test JVM. */
  public static synchronized DataSource source() {
    if (folder == null) {
      try {
        Path dir = Files.createTempDirectory("cgan-tiny-digits");
        dir.toFile().deleteOnExit();
        folder = digits().writeIdx(dir);
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")) {
          folder.resolve(f).toFile().deleteOnExit();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return DataSource.idxFolder(folder);
  }

  /**
   * The reference network and optimiser at batch 32 on {@link #source()}: samples every 3
   * iterations, checkpoints every 4, metrics every 2, 3 checkpoints kept.
   */
  public static RunSettings.Builder settings(long iterations) {
    return RunSettings.builder(source())
        .iterations(iterations)
        .batchSize(32)
        .seed(5)
        .sampleInterval(3)
        .checkpointInterval(4)
        .logInterval(2)
        .keep(3)
        .resultLabels("0123456789");
  }

  /** A run of {@code iterations} trained in {@code dir} with the standard listeners. */
  public static Path trainedRun(Path dir, long iterations) throws IOException {
    try (TrainingRun run = TrainingRun.create(dir, settings(iterations).build())) {
      run.train();
    }
    return dir;
  }
}
