package dev.cgan.cli;

import dev.cgan.image.Png;
import dev.cgan.model.Weights;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.ImageRequest;
import dev.cgan.serve.ImageRequest.Limits;
import dev.cgan.serve.ImageRequest.Naming;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

  @Option(names = "--weights", paramLabel = "W", description = Options.WEIGHTS)
  String weights;

  @Mixin Options.Model model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  static final class What {
    @Option(
        names = "--digits",
        required = true,
        paramLabel = "SEQ",
        description = "Digits to draw, e.g. 2026112701 (or class indices 3,1,4).")
    String digits;

    @Option(
        names = "--labels",
        required = true,
        paramLabel = "I,J,..",
        description =
            "Classes to draw, by index or by the names the run was trained with, e.g. 3,1,4 or"
                + " circle,square (any model).")
    String labels;
  }

  @Option(
      names = "--seed",
      paramLabel = "S",
      description =
          "Noise seed; the same model, labels and seed give the same pixels (default: "
              + ImageRequest.DEFAULT_SEED
              + ").")
  String seed;

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
          "Truncation trick: latent entries beyond +-T are redrawn until inside (T from "
              + ImageRequest.MIN_TRUNCATION
              + "; a smaller T gives tidier, less varied digits). Default, or 0: none.")
  String truncation;

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
    // The spelling and the bounds first, so that a typo is reported without waiting for
    // TensorFlow to load; which labels are classes needs the model.
    ImageRequest.Params given =
        Options.params(
            "digits",
            what.digits,
            "labels",
            what.labels,
            "seed",
            seed,
            "same_style",
            sameStyle ? "true" : null,
            "truncation",
            truncation,
            "weights",
            weights);
    ImageRequest.Strip.check(given, Naming.OPTIONS, Limits.LIBRARY);
    Weights chosen = ImageRequest.weights(given, Naming.OPTIONS);
    try (CganGenerator g = CganGenerator.load(model.dir, chosen)) {
      ImageRequest.Strip strip =
          ImageRequest.Strip.parse(
              given, Naming.OPTIONS, Limits.LIBRARY, ImageRequest.Classes.of(g));
      Png.write(strip.draw(g).get(0), output);
    }
    spec.commandLine().getOut().println("wrote " + output);
    return Main.OK;
  }
}
