package dev.cgan.data;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a run's training images come from, written as one string into the run's configuration so
 * that a resumed run reads the same data:
 *
 * <ul>
 *   <li>{@code embedded:mnist10k}: the 10,000 MNIST digits packaged in cgan-core;
 *   <li>{@code mnist:<cache dir>}: full MNIST (60,000 training digits), downloaded and verified;
 *   <li>{@code files:<images><path separator><labels>}: one IDX pair;
 *   <li>any other string: a folder holding {@code train-images-idx3-ubyte[.gz]} and {@code
 *       train-labels-idx1-ubyte[.gz]}.
 * </ul>
 */
public final class DataSources {
  public static final String EMBEDDED = "embedded:mnist10k";
  private static final String MNIST = "mnist:";
  private static final String FILES = "files:";

  private DataSources() {}

  public static String mnist(Path cacheDir) {
    return MNIST + cacheDir.toAbsolutePath().normalize();
  }

  public static String files(Path images, Path labels) {
    return FILES
        + images.toAbsolutePath().normalize()
        + File.pathSeparator
        + labels.toAbsolutePath().normalize();
  }

  public static String directory(Path dir) {
    return dir.toAbsolutePath().normalize().toString();
  }

  /**
   * Reads the images a source names.
   *
   * @param numClasses the number of classes, or 0 to take max(label) + 1
   * @param download how to fetch full MNIST (mirrors, progress); its cache folder is replaced by
   *     the one the source names
   */
  public static LabeledImages load(String source, int numClasses, MnistDownloader.Builder download)
      throws IOException {
    LabeledImages data;
    if (source.equals(EMBEDDED)) {
      data = EmbeddedMnist.load();
    } else if (source.startsWith(MNIST)) {
      Path dir = download.cacheDir(Path.of(source.substring(MNIST.length()))).build().downloadAll();
      data =
          LabeledImages.read(
              dir.resolve("train-images-idx3-ubyte.gz"),
              dir.resolve("train-labels-idx1-ubyte.gz"),
              numClasses);
    } else if (source.startsWith(FILES)) {
      String[] paths = source.substring(FILES.length()).split(File.pathSeparator, 2);
      return LabeledImages.read(Path.of(paths[0]), Path.of(paths[1]), numClasses);
    } else {
      data = LabeledImages.fromDirectory(Path.of(source));
    }
    if (numClasses > 0 && numClasses != data.numClasses()) {
      if (numClasses < data.numClasses()) {
        // Also reached on --resume, where the count comes from run.json rather than --classes.
        throw new InvalidDataException(
            source,
            "labels go up to "
                + (data.numClasses() - 1)
                + ", expected 0.."
                + (numClasses - 1)
                + " for "
                + numClasses
                + " classes");
      }
      data =
          LabeledImages.of(data.pixels(), data.labels(), data.height(), data.width(), numClasses);
    }
    return data;
  }
}
