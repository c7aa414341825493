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
@Command(name = "generate", mixinStandardHelpOptions = true)
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--weights", paramLabel = "W")
  String weights;

  @Mixin Options.Model model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  static final class What {
    @Option(names = "--digits", required = true, paramLabel = "SEQ")
    String digits;

    @Option(names = "--labels", required = true, paramLabel = "I,J,..")
    String labels;
  }

  @Option(names = "--seed", paramLabel = "S")
  String seed;

  @Option(names = "--same-style")
  boolean sameStyle;

  @Option(names = "--truncation", paramLabel = "T")
  String truncation;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      defaultValue = "result.png")
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
