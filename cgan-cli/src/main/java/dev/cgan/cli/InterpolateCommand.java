package dev.cgan.cli;

import dev.cgan.image.Gif;
import dev.cgan.image.Png;
import dev.cgan.image.Tiles;
import dev.cgan.model.Weights;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.ImageRequest;
import dev.cgan.serve.ImageRequest.Limits;
import dev.cgan.serve.ImageRequest.Naming;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code interpolate}: frames from one style to another, or from one class to another. */
@Command(name = "interpolate", mixinStandardHelpOptions = true)
final class InterpolateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--weights", paramLabel = "W")
  String weights;

  @Mixin Options.Model model;

  @Option(names = "--digits", paramLabel = "SEQ")
  String digits;

  @Option(names = "--labels", paramLabel = "I,J,..")
  String labels;

  @Option(names = "--seeds", paramLabel = "A,B")
  String seeds;

  @Option(names = "--classes", paramLabel = "I,J")
  String classes;

  @Option(names = "--seed", paramLabel = "S")
  String seed;

  @Option(names = "--steps", paramLabel = "N")
  String steps;

  @Option(names = "--fps", paramLabel = "F")
  String fps;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      defaultValue = "interpolation.gif")
  Path output;

  @Override
  public Integer call() throws IOException {
    // Everything that needs no model first, so that a typo is reported before TensorFlow loads.
    boolean gif = gif();
    ImageRequest.Params given =
        Options.params(
            "digits", digits,
            "labels", labels,
            "seeds", seeds,
            "classes", classes,
            "seed", seed,
            "steps", steps,
            "fps", fps,
            "weights", weights);
    ImageRequest.Morph.check(given, Naming.OPTIONS, Limits.LIBRARY);
    Weights chosen = ImageRequest.weights(given, Naming.OPTIONS);
    ImageRequest.Morph morph;
    List<BufferedImage> frames;
    try (CganGenerator g = CganGenerator.load(model.dir, chosen)) {
      morph =
          ImageRequest.Morph.parse(
              given, Naming.OPTIONS, Limits.LIBRARY, ImageRequest.Classes.of(g));
      frames = morph.draw(g);
    }
    if (gif) {
      Gif.write(frames, morph.fps(), output);
    } else {
      Png.write(Tiles.column(frames), output);
    }
    spec.commandLine().getOut().println("wrote " + output + " (" + morph.frames() + " frames)");
    return Main.OK;
  }

  /** The format {@code -o} names: GIF or PNG, by its extension. */
  private boolean gif() {
    String name = String.valueOf(output.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".gif") || name.endsWith(".png")) {
      return name.endsWith(".gif");
    }
    throw new ParameterException(
        spec.commandLine(),
        "-o must end in .gif (an animation) or .png (a grid, one row per frame), got " + output);
  }
}
