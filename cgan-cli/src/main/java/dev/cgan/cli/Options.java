package dev.cgan.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that several commands share, as picocli mixins. */
final class Options {
  private Options() {}

  /** {@code --model DIR}: a training run folder or an exported SavedModel. */
  static final class Model {
    @Option(
        names = "--model",
        required = true,
        paramLabel = "DIR",
        description = "A training run folder or an exported SavedModel.")
    Path dir;
  }

  /** {@code --model RUN}: a training run folder. */
  static final class Run {
    @Option(
        names = "--model",
        required = true,
        paramLabel = "RUN",
        description = "The training run folder.")
    Path dir;
  }

  /** {@code --seed S} of the noise, default 7. */
  static final class Seed {
    @Option(
        names = "--seed",
        paramLabel = "S",
        defaultValue = "7",
        description =
            "Noise seed; the same model, labels and seed give the same pixels (default:"
                + " ${DEFAULT-VALUE}).")
    long value;
  }
}
