package dev.cgan.cli;

import dev.cgan.model.Weights;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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

  /**
   * {@code --weights raw|ema}: which generator weights; default the run's average if it has one.
   */
  static final class WeightsChoice {
    @Option(
        names = "--weights",
        paramLabel = "W",
        converter = WeightsConverter.class,
        description =
            "raw or ema: the generator's raw weights, or their moving average (default: ema when"
                + " the run kept an average, else raw; a SavedModel holds the weights it was"
                + " exported with).")
    Weights value;
  }

  static final class WeightsConverter implements ITypeConverter<Weights> {
    @Override
    public Weights convert(String value) {
      try {
        return Weights.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected raw or ema, got '" + value + "'");
      }
    }
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
