package dev.cgan.cli;

import dev.cgan.data.DataSource;
import dev.cgan.data.MnistDownloader;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code train}'s data options: one of a folder, an IDX pair, or a named data set. */
final class TrainData {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Folder with train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz].")
  Path data;

  @Option(
      names = "--images",
      paramLabel = "FILE",
      description = "IDX uint8 images [N, H, W] (with --labels).")
  Path imagesFile;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description = "IDX uint8 labels [N] (with --images).")
  Path labelsFile;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      defaultValue = "embedded",
      description =
          "embedded (the 10k MNIST digits in the jar) or mnist (download the 60k training digits);"
              + " default: ${DEFAULT-VALUE}.")
  String dataset;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Download cache for --dataset mnist (default: $CGAN_CACHE_DIR/mnist or"
              + " ~/.cache/cgan-java/mnist).")
  Path cacheDir;

  @Option(
      names = "--mirror",
      paramLabel = "URL",
      description =
          "Base URL to download MNIST from, tried in the order given (repeatable; default: public"
              + " mirrors).")
  List<String> mirrors = new ArrayList<>();

  /** The data source the options name, or the default (the embedded digits). */
  DataSource source() {
    int given =
        (data != null ? 1 : 0)
            + (imagesFile != null || labelsFile != null ? 1 : 0)
            + (given("--dataset") ? 1 : 0);
    if (given > 1) {
      throw new ParameterException(
          spec.commandLine(), "give one of --data, --images/--labels or --dataset");
    }
    if (imagesFile != null || labelsFile != null) {
      if (imagesFile == null || labelsFile == null) {
        throw new ParameterException(spec.commandLine(), "--images and --labels go together");
      }
      return DataSource.idxFiles(imagesFile, labelsFile);
    }
    if (data != null) {
      return DataSource.idxFolder(data);
    }
    return switch (dataset) {
      case "embedded" -> DataSource.embedded();
      case "mnist" ->
          new DataSource.Mnist(
              cacheDir != null ? cacheDir : MnistDownloader.defaultCacheDir(),
              mirrors.stream().map(URI::create).toList());
      default ->
          throw new ParameterException(
              spec.commandLine(), "--dataset must be embedded or mnist, got '" + dataset + "'");
    };
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }
}
