package dev.cgan.cli;

import dev.cgan.InvalidSettingException;
import dev.cgan.image.Png;
import dev.cgan.model.Labels;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.Noise;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code generate}: renders a label sequence as one row of tiles into a PNG. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Render digits left to right into a PNG, from a run folder or a SavedModel.",
    footer = {
      "",
      "Examples:",
      "  java -jar cgan-cli.jar generate --model run --digits 2026112701 --seed 7 -o result.png",
      "  java -jar cgan-cli.jar generate --model run/saved_model --digits 0123456789",
      "  java -jar cgan-cli.jar generate --model run --digits 2026112701 --same-style -o hand.png",
      "  java -jar cgan-cli.jar generate --model shapes-run --labels 2,0,1 -o shapes.png"
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.WeightsChoice weights;

  @Mixin Options.Model model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  static final class What {
    @Option(
        names = "--digits",
        required = true,
        paramLabel = "SEQ",
        description = "Digits to draw, e.g. 2026112701.")
    String digits;

    @Option(
        names = "--labels",
        required = true,
        paramLabel = "I,J,..",
        description = "Class indices to draw, e.g. 3,1,4 (any model).")
    String labels;
  }

  @Mixin Options.Seed seed;

  @Option(
      names = "--same-style",
      description =
          "One latent vector for the whole sequence, drawn from --seed (one writer's hand):"
              + " equal digits give equal tiles.")
  boolean sameStyle;

  @Option(
      names = "--truncation",
      paramLabel = "T",
      description =
          "Truncation trick: latent entries beyond +-T are redrawn until inside (T > 0; a smaller"
              + " T gives tidier, less varied digits). Default: none.")
  Float truncation;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      defaultValue = "result.png",
      description =
          "PNG to write (default: ${DEFAULT-VALUE}): a regular file is replaced atomically, a"
              + " symbolic link is written through to its target, a FIFO or device is written"
              + " to.")
  Path output;

  @Override
  public Integer call() throws IOException {
    // The spelling first, so that a typo is reported without waiting for TensorFlow to load;
    // whether each label is a class needs the model.
    checkSpelling();
    Noise noise = noise(spec, sameStyle, truncation);
    try (CganGenerator g = CganGenerator.load(model.dir, weights.value)) {
      Png.write(g.render(parse(g.config().numClasses()), seed.value, noise), output);
    }
    spec.commandLine().getOut().println("wrote " + output);
    return Main.OK;
  }

  /**
   * The smallest {@code --truncation}: below it the latents are so close to 0 that every seed draws
   * nearly the same image (measured on the default run's export: at 0.001 two seeds' strips differ
   * by 0.03 grey levels on average, at 0.01 by 0.3, at 0.1 by 3.2).
   */
  static final float MIN_TRUNCATION = 0.01f;

  /** {@code --same-style} and {@code --truncation} as the library's {@link Noise}. */
  static Noise noise(CommandSpec spec, boolean sameStyle, Float truncation) {
    Noise noise = Noise.independent().withSameStyle(sameStyle);
    if (truncation == null) {
      return noise;
    }
    try {
      noise = noise.withTruncation(truncation);
    } catch (InvalidSettingException e) {
      throw new ParameterException(spec.commandLine(), e.messageNaming("--truncation"));
    }
    if (truncation < MIN_TRUNCATION) {
      throw new ParameterException(
          spec.commandLine(),
          "--truncation must be at least "
              + MIN_TRUNCATION
              + " (below it every seed draws nearly the same image), got "
              + typed(spec, "--truncation"));
    }
    return noise;
  }

  /** The last value given for {@code option}, as typed. */
  private static String typed(CommandSpec spec, String option) {
    List<String> values =
        spec.commandLine().getParseResult().matchedOption(option).originalStringValues();
    return values.get(values.size() - 1);
  }

  /**
   * {@code --digits} or {@code --labels} as typed: digits, or whole numbers between commas. Which
   * numbers are classes is checked once the model is loaded, against its classes.
   */
  private void checkSpelling() {
    if (what.digits != null) {
      Labels.parseDigits(what.digits, Integer.MAX_VALUE);
      return;
    }
    if (what.labels.isBlank()) {
      Labels.parseList(what.labels, Integer.MAX_VALUE);
    }
    String[] parts = what.labels.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].trim().matches("-?\\d+")) {
        throw new IllegalArgumentException(
            "not a class index: '"
                + parts[i]
                + "' at position "
                + (i + 1)
                + " of --labels "
                + what.labels);
      }
    }
  }

  private int[] parse(int numClasses) {
    return what.digits != null
        ? Labels.parseDigits(what.digits, numClasses)
        : Labels.parseList(what.labels, numClasses);
  }
}
