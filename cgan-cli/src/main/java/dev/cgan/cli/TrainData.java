package dev.cgan.cli;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.DataSource;
import dev.cgan.data.ImageFolderOptions;
import dev.cgan.data.MnistDownloader;
import dev.cgan.model.CganConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code train}'s data options: one of a folder of images per class, a folder of IDX files, an IDX
 * pair, or a named data set; and how an image folder is decoded.
 */
final class TrainData {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--images-dir", paramLabel = "DIR")
  Path imagesDir;

  @Option(names = "--channels", paramLabel = "C")
  String channels;

  @Option(names = "--resize", paramLabel = "HOW")
  String resize;

  @Option(names = "--skip-bad-images")
  boolean skipBadImages;

  @Option(names = "--background", paramLabel = "RRGGBB")
  String background;

  @Option(names = "--allow-changed-data")
  boolean allowChangedData;

  @Option(names = "--data", paramLabel = "DIR")
  Path data;

  @Option(names = "--images", paramLabel = "FILE")
  Path imagesFile;

  @Option(names = "--labels", paramLabel = "FILE")
  Path labelsFile;

  @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "embedded")
  String dataset;

  @Option(names = "--cache-dir", paramLabel = "DIR")
  Path cacheDir;

  @Option(names = "--mirror", paramLabel = "URL")
  List<String> mirrors = new ArrayList<>();

  /**
   * The data source the options name, or the default (the embedded digits).
   *
   * @param imageSize the network's image size given on the command line, or null for the default:
   *     an image folder is decoded to it (area-averaged when shrinking, bilinear when enlarging)
   */
  DataSource source(Integer imageSize) {
    int given =
        (imagesDir != null ? 1 : 0)
            + (data != null ? 1 : 0)
            + (imagesFile != null || labelsFile != null ? 1 : 0)
            + (given("--dataset") ? 1 : 0);
    if (given > 1) {
      throw new ParameterException(
          spec.commandLine(), "give one of --images-dir, --data, --images/--labels or --dataset");
    }
    if (imagesDir != null) {
      return DataSource.imageFolder(imagesDir, folderOptions(imageSize));
    }
    for (String o : new String[] {"--channels", "--resize", "--skip-bad-images", "--background"}) {
      if (given(o)) {
        throw new ParameterException(spec.commandLine(), o + " goes with --images-dir");
      }
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

  /** How the image folder is decoded, from the options given. */
  private ImageFolderOptions folderOptions(Integer imageSize) {
    int size = imageSize != null ? imageSize : CganConfig.reference().imageSize();
    if (size < 1 || size > ImageFolderOptions.MAX_SIZE) {
      throw new ParameterException(
          spec.commandLine(),
          "--img-size must be 1 to " + CganConfig.MAX_IMAGE_SIZE + ", got " + size);
    }
    ImageFolderOptions o =
        ImageFolderOptions.defaults().withSize(size).withSkipBadImages(skipBadImages);
    try {
      o = channels == null ? o : o.withChannels(channels);
      o = resize == null ? o : o.withResize(ImageFolderOptions.Resize.of(resize));
      o = background == null ? o : o.withBackground(background);
    } catch (InvalidSettingException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    return cacheDir != null ? o.withCacheDir(cacheDir) : o;
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }
}
