package dev.cgan.cli;

import dev.cgan.InvalidSettingException;
import dev.cgan.model.Architecture;
import dev.cgan.model.CganConfig;
import dev.cgan.train.Precision;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code train}'s network options, and how the library's settings are named on the command line.
 */
final class TrainNetwork {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--arch", paramLabel = "A", defaultValue = "mlp")
  String arch;

  @Option(names = "--width", paramLabel = "N")
  Integer width;

  @Option(names = "--img-size", paramLabel = "PX")
  Integer imageSize;

  @Option(names = "--dropout", paramLabel = "P")
  Float dropout;

  @Option(names = "--bn-eps", paramLabel = "EPS")
  Float batchNormEps;

  /**
   * The network the options describe: the reference, or the conv network of {@code --width}, with
   * the image size, dropout and BatchNorm epsilon given on the command line.
   */
  CganConfig network() {
    return applyTo(architecture(spec, arch, width));
  }

  /**
   * The reference for {@code --arch mlp}, or the conv networks of {@code --width} (default {@link
   * CganConfig#DEFAULT_WIDTH}); a bad value is refused naming its option. {@code train} and {@code
   * bench} read these two options alike.
   */
  static CganConfig architecture(CommandSpec spec, String arch, Integer width) {
    Architecture a;
    try {
      a = Architecture.of(arch);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--arch " + e.getMessage());
    }
    if (a == Architecture.MLP) {
      if (width != null) {
        throw new ParameterException(spec.commandLine(), "--width applies to --arch conv only");
      }
      return CganConfig.reference();
    }
    try {
      return CganConfig.conv(width == null ? CganConfig.DEFAULT_WIDTH : width);
    } catch (InvalidSettingException e) {
      throw new ParameterException(spec.commandLine(), e.messageNaming("--width"));
    }
  }

  /** {@code base} with the image size, dropout and BatchNorm epsilon given on the command line. */
  CganConfig applyTo(CganConfig base) {
    CganConfig c = imageSize == null ? base : base.withImageSize(imageSize);
    c = dropout == null ? c : c.withDropoutRate(dropout);
    return batchNormEps == null ? c : c.withBatchNormEps(batchNormEps);
  }

  /** Library settings by the options that set them, for messages. */
  private static final Map<String, String> OPTION_OF =
      Map.ofEntries(
          Map.entry("data", "--images-dir/--data/--images/--dataset"),
          Map.entry("batchSize", "--batch"),
          Map.entry("epochs", "--epochs"),
          Map.entry("iterations", "--iterations"),
          Map.entry("seed", "--seed"),
          Map.entry("learningRate", "--lr"),
          Map.entry("classes", "--classes"),
          Map.entry("imageSize", "--img-size"),
          Map.entry("classNames", "--class-names"),
          Map.entry("dropoutRate", "--dropout"),
          Map.entry("batchNormEps", "--bn-eps"),
          Map.entry("network", "--arch/--img-size/--dropout/--bn-eps"),
          Map.entry("arch", "--arch"),
          Map.entry("width", "--width"),
          Map.entry("twoStep", "--two-step"),
          Map.entry("emaDecay", "--ema"),
          Map.entry("resultLabels", "--digits"),
          Map.entry("sampleInterval", "--sample-interval"),
          Map.entry("checkpointInterval", "--checkpoint-interval"),
          Map.entry("logInterval", "--log-interval"),
          Map.entry("keep", "--keep"));

  /** The option that sets the library setting {@code setting}, for messages. */
  static String optionOf(String setting) {
    return OPTION_OF.getOrDefault(setting, setting);
  }

  /** {@code --precision fp32|bf16}. */
  static final class PrecisionChoice {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32")
    String precision;

    Precision precision() {
      Precision p =
          switch (precision) {
            case "fp32" -> Precision.FP32;
            case "bf16" -> Precision.MIXED_BF16;
            default ->
                throw new ParameterException(
                    spec.commandLine(),
                    "--precision must be fp32 or bf16, got '" + precision + "'");
          };
      try {
        return p.requireSupported();
      } catch (InvalidSettingException e) {
        throw new ParameterException(spec.commandLine(), e.messageNaming("--precision"));
      }
    }
  }
}
