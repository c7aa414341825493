package dev.cgan.cli;

import dev.cgan.InvalidSettingException;
import dev.cgan.image.Gif;
import dev.cgan.image.Png;
import dev.cgan.image.Tiles;
import dev.cgan.model.Labels;
import dev.cgan.serve.CganGenerator;
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
@Command(
    name = "interpolate",
    mixinStandardHelpOptions = true,
    description =
        "Morph from one seed's style to another's (--digits --seeds) or from one class to another"
            + " (--classes --seed) into an animated GIF (.gif) or a grid PNG (.png, one row per"
            + " frame).",
    footer = {
      "",
      "Examples:",
      "  java -jar cgan-cli.jar interpolate --model run --digits 0123 --seeds 7,8 -o a.gif",
      "  java -jar cgan-cli.jar interpolate --model run --classes 3,8 --steps 16 -o b.png"
    })
final class InterpolateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.WeightsChoice weights;

  @Mixin Options.Model model;

  @Option(
      names = "--digits",
      paramLabel = "SEQ",
      description =
          "Style interpolation: the digits drawn in every frame, e.g. 2026112701 (or class"
              + " indices 3,1,4); with --seeds.")
  String digits;

  @Option(
      names = "--seeds",
      paramLabel = "A,B",
      description =
          "Style interpolation: one latent per frame, on the arc from seed A's style to seed B's"
              + " (spherical interpolation).")
  String seeds;

  @Option(
      names = "--classes",
      paramLabel = "I,J",
      description =
          "Class interpolation: one latent, the label embedding moving from class I's to J's.")
  String classes;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Class interpolation: the seed of the one latent (style) (default: 7).")
  Long seed;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "10",
      description = "Frames, the two ends included (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--fps",
      paramLabel = "F",
      defaultValue = "5",
      description = "Frames per second of a GIF (default: ${DEFAULT-VALUE}).")
  int fps;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      defaultValue = "interpolation.gif",
      description =
          "FILE.gif (a looping animation) or FILE.png (a grid, one row per frame), default:"
              + " ${DEFAULT-VALUE}; written as generate -o writes: a regular file is replaced"
              + " atomically, a symbolic link is written through to its target, a FIFO or device"
              + " is written to.")
  Path output;

  @Override
  public Integer call() throws IOException {
    // Everything that needs no model first, so that a typo is reported before TensorFlow loads.
    boolean gif = gif();
    long[] ab = mode();
    named("--steps", () -> CganGenerator.checkFrames(steps));
    named("--fps", () -> Gif.checkFps(fps));
    List<BufferedImage> frames;
    try (CganGenerator g = CganGenerator.load(model.dir, weights.value)) {
      int numClasses = g.config().numClasses();
      if (ab != null) {
        frames =
            g.interpolateStyle(Labels.parse(digits, numClasses, "--digits"), ab[0], ab[1], steps);
      } else {
        int[] ij = Labels.parse(classes, numClasses, "--classes");
        frames = g.interpolateClasses(ij[0], ij[1], seed == null ? 7 : seed, steps);
      }
    }
    if (gif) {
      Gif.write(frames, fps, output);
    } else {
      Png.write(Tiles.column(frames), output);
    }
    spec.commandLine().getOut().println("wrote " + output + " (" + steps + " frames)");
    return Main.OK;
  }

  /**
   * Which interpolation the options ask for: the two seeds of a style interpolation, or null for a
   * class interpolation; anything else is a usage error that says what goes with what.
   */
  private long[] mode() {
    if (digits != null && classes != null) {
      throw usage(
          "--digits and --classes do not go together: --digits SEQ --seeds A,B interpolates"
              + " styles, --classes I,J [--seed S] classes");
    }
    if (digits == null && classes == null) {
      throw usage(
          "give --digits SEQ --seeds A,B (style interpolation) or --classes I,J [--seed S] (class"
              + " interpolation)");
    }
    if (classes != null) {
      if (seeds != null) {
        throw usage("--seeds goes with --digits; --classes takes one --seed S");
      }
      if (classes.split(",", -1).length != 2) {
        throw usage("--classes needs two classes I,J, got " + classes);
      }
      return null;
    }
    if (seed != null) {
      throw usage("--seed goes with --classes; --digits takes two seeds, --seeds A,B");
    }
    if (seeds == null) {
      throw usage("--digits needs --seeds A,B: the two styles to move between");
    }
    String[] parts = seeds.split(",", -1);
    if (parts.length != 2) {
      throw usage("--seeds needs two seeds A,B, got " + seeds);
    }
    long[] ab = new long[2];
    for (int i = 0; i < 2; i++) {
      try {
        ab[i] = Long.parseLong(parts[i].strip());
      } catch (NumberFormatException e) {
        throw usage(
            parts[i].strip().matches("[-+]?\\d+")
                ? "--seeds: '"
                    + parts[i]
                    + "' is out of range: a seed is a whole number from "
                    + Long.MIN_VALUE
                    + " to "
                    + Long.MAX_VALUE
                    + ", in "
                    + seeds
                : "--seeds: '" + parts[i] + "' is not a seed (a whole number), in " + seeds);
      }
    }
    return ab;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** The format {@code -o} names: GIF or PNG, by its extension. */
  private boolean gif() {
    String name = String.valueOf(output.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".gif") || name.endsWith(".png")) {
      return name.endsWith(".gif");
    }
    throw usage(
        "-o must end in .gif (an animation) or .png (a grid, one row per frame), got " + output);
  }

  /** Runs a library check whose message names the setting, naming {@code option} instead. */
  private void named(String option, Runnable check) {
    try {
      check.run();
    } catch (InvalidSettingException e) {
      throw new ParameterException(spec.commandLine(), e.messageNaming(option));
    }
  }
}
