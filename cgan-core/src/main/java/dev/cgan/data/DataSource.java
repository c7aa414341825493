package dev.cgan.data;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a run's training images come from. A run stores its source (see {@link #id()}) so that a
 * resumed run reads the same data.
 *
 * <pre>{@code
 * DataSource.embedded()                              // the 10,000 MNIST digits in cgan-core
 * DataSource.mnist(Path.of("cache"))                 // the 60,000 MNIST digits, downloaded
 * DataSource.idxFiles(Path.of("x.idx"), Path.of("y.idx"))
 * DataSource.idxFolder(Path.of("data"))              // train-{images-idx3,labels-idx1}-ubyte[.gz]
 * DataSource.imageFolder(Path.of("pics"))            // pics/<class>/**.{png,jpg,jpeg,bmp,gif}
 * }</pre>
 */
public sealed interface DataSource {
  /** The 10,000 MNIST digits packaged in cgan-core. */
  record Embedded() implements DataSource {
    @Override
    public String id() {
      return EMBEDDED_ID;
    }
  }

  /**
   * The 60,000 MNIST training digits, downloaded once into {@code cacheDir} and checked against
   * their SHA-256.
   *
   * @param mirrors base URLs tried in order; empty for the default mirrors
   */
  record Mnist(Path cacheDir, List<URI> mirrors) implements DataSource {
    public Mnist {
      cacheDir = cacheDir.toAbsolutePath().normalize();
      mirrors = List.copyOf(mirrors);
    }

    @Override
    public String id() {
      return MNIST_PREFIX + cacheDir;
    }
  }

  /** One IDX pair: uint8 images [N, H, W] and uint8 labels [N], each optionally gzipped. */
  record IdxFiles(Path images, Path labels) implements DataSource {
    public IdxFiles {
      images = images.toAbsolutePath().normalize();
      labels = labels.toAbsolutePath().normalize();
    }

    @Override
    public String id() {
      return FILES_PREFIX + images + File.pathSeparator + labels;
    }
  }

  /**
   * A folder with {@code train-images-idx3-ubyte[.gz]} and {@code train-labels-idx1-ubyte[.gz]}.
   */
  record IdxFolder(Path dir) implements DataSource {
    public IdxFolder {
      dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public String id() {
      return dir.toString();
    }
  }

  /**
   * A folder of image files, one subfolder per class, read by {@link ImageFolderReader}.
   *
   * @param options how the images are decoded; the cache folder and thread count are not part of
   *     {@link #id()}, the rest is
   */
  record ImageFolder(Path dir, ImageFolderOptions options) implements DataSource {
    public ImageFolder {
      dir = dir.toAbsolutePath().normalize();
      Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
      return IMAGES_PREFIX + dir + "?" + options.key();
    }
  }

  /** The embedded 10,000 digits. */
  static DataSource embedded() {
    return new Embedded();
  }

  /** Full MNIST in {@link MnistDownloader#defaultCacheDir()}, from the default mirrors. */
  static DataSource mnist() {
    return mnist(MnistDownloader.defaultCacheDir());
  }

  /** Full MNIST cached in {@code cacheDir}, from the default mirrors. */
  static DataSource mnist(Path cacheDir) {
    return new Mnist(cacheDir, List.of());
  }

  static DataSource idxFiles(Path images, Path labels) {
    return new IdxFiles(images, labels);
  }

  static DataSource idxFolder(Path dir) {
    return new IdxFolder(dir);
  }

  /** A folder of images per class with {@link ImageFolderOptions#defaults()}. */
  static DataSource imageFolder(Path dir) {
    return new ImageFolder(dir, ImageFolderOptions.defaults());
  }

  /** A folder of images per class, read as {@code options} say. */
  static DataSource imageFolder(Path dir, ImageFolderOptions options) {
    return new ImageFolder(dir, options);
  }

  /**
   * The source as one string, as a run stores it: {@code embedded:mnist10k}, {@code mnist:<cache
   * dir>}, {@code files:<images><path separator><labels>}, {@code images:<folder>?<options key>}
   * (see {@link ImageFolderOptions#key()}), or an IDX folder's path.
   */
  String id();

  /** The source a stored {@link #id()} names; {@code mirrors} only matter for MNIST. */
  static DataSource fromId(String id, List<URI> mirrors) {
    Objects.requireNonNull(id, "id");
    if (id.equals(EMBEDDED_ID)) {
      return embedded();
    }
    if (id.startsWith(MNIST_PREFIX)) {
      return new Mnist(Path.of(id.substring(MNIST_PREFIX.length())), mirrors);
    }
    if (id.startsWith(FILES_PREFIX)) {
      String[] paths = id.substring(FILES_PREFIX.length()).split(File.pathSeparator, 2);
      if (paths.length != 2) {
        throw new IllegalArgumentException("not a data source: " + id);
      }
      return idxFiles(Path.of(paths[0]), Path.of(paths[1]));
    }
    if (id.startsWith(IMAGES_PREFIX)) {
      // The last '?' splits: a folder's name may hold one, the key never does.
      int q = id.lastIndexOf('?');
      if (q < IMAGES_PREFIX.length()) {
        return imageFolder(Path.of(id.substring(IMAGES_PREFIX.length())));
      }
      return imageFolder(
          Path.of(id.substring(IMAGES_PREFIX.length(), q)),
          ImageFolderOptions.defaults().withKey(id.substring(q + 1)));
    }
    if (id.isBlank()) {
      throw new IllegalArgumentException("not a data source: an empty name");
    }
    return idxFolder(Path.of(id));
  }

  /**
   * Reads the images.
   *
   * @param numClasses the number of classes, or 0 to take max(label) + 1
   * @param progress reports the download of full MNIST; {@link MnistDownloader.Progress#NONE}
   * @throws InvalidDataException naming the file when the data is malformed or has labels of more
   *     than {@code numClasses} classes
   */
  default LabeledImages load(int numClasses, MnistDownloader.Progress progress) throws IOException {
    return load(numClasses, progress, DecodeProgress.NONE);
  }

  /**
   * {@link #load(int, MnistDownloader.Progress)}, reporting the decoding of an image folder to
   * {@code decoding}. An image folder's classes are its subfolders: {@code numClasses} must be 0 or
   * their number. (For the skipped files, the fingerprint and the cache notes, call {@link
   * ImageFolderReader#read} instead.)
   */
  default LabeledImages load(
      int numClasses, MnistDownloader.Progress progress, DecodeProgress decoding)
      throws IOException {
    try {
      if (this instanceof ImageFolder f) {
        LabeledImages data = ImageFolderReader.read(f.dir(), f.options(), decoding).images();
        ImageFolderReader.requireClasses(f.dir(), data, numClasses);
        return data;
      }
      return loadData(numClasses, progress);
    } catch (OutOfMemoryError e) {
      // What was being allocated is gone again once the error leaves this frame.
      Runtime rt = Runtime.getRuntime();
      String name =
          this instanceof IdxFiles f
              ? f.images().toString()
              : this instanceof IdxFolder d
                  ? d.dir().toString()
                  : this instanceof ImageFolder g ? g.dir().toString() : id();
      throw new IOException(
          name
              + ": out of memory while loading the data ("
              + e.getMessage()
              + "); this JVM may use "
              + (rt.maxMemory() >> 20)
              + " MiB of heap (raise it with -Xmx)",
          e);
    }
  }

  private LabeledImages loadData(int numClasses, MnistDownloader.Progress progress)
      throws IOException {
    LabeledImages data;
    if (this instanceof IdxFiles f) {
      // Read with the count, so that a label out of range is reported with its file and index.
      return LabeledImages.read(f.images(), f.labels(), numClasses);
    } else if (this instanceof Mnist m) {
      MnistDownloader.Builder b = MnistDownloader.builder().cacheDir(m.cacheDir());
      if (!m.mirrors().isEmpty()) {
        b.baseUrls(m.mirrors());
      }
      Path dir = b.progress(progress).build().downloadAll();
      return LabeledImages.read(
          dir.resolve("train-images-idx3-ubyte.gz"),
          dir.resolve("train-labels-idx1-ubyte.gz"),
          numClasses);
    } else if (this instanceof IdxFolder d) {
      data = LabeledImages.fromDirectory(d.dir());
    } else {
      data = EmbeddedMnist.load();
    }
    if (numClasses > 0 && numClasses != data.numClasses()) {
      if (numClasses < data.numClasses()) {
        throw new InvalidDataException(
            id(),
            "labels go up to "
                + (data.numClasses() - 1)
                + ", expected 0.."
                + (numClasses - 1)
                + " for "
                + numClasses
                + " classes");
      }
      data = data.withNumClasses(numClasses);
    }
    return data;
  }

  /**
   * How much data {@link #load} will read, from the files' headers alone: nothing is inflated or
   * allocated, and MNIST is not downloaded (its size is known).
   *
   * @throws InvalidDataException when a header is malformed or the headers disagree
   * @throws java.nio.file.NoSuchFileException when a file is missing
   */
  default DataShape shape() throws IOException {
    if (this instanceof Embedded) {
      // The resources are inflated, then copied once into the set: two copies at the peak.
      return new DataShape(id(), EmbeddedMnist.COUNT, 28, 28, 2);
    }
    if (this instanceof Mnist) {
      return new DataShape(id(), DataShape.MNIST_COUNT, 28, 28, 1);
    }
    if (this instanceof ImageFolder f) {
      return ImageFolderReader.shape(f.dir(), f.options());
    }
    Path images;
    Path labels;
    if (this instanceof IdxFiles f) {
      images = f.images();
      labels = f.labels();
    } else {
      Path dir = ((IdxFolder) this).dir();
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString(), null, "not a directory");
      }
      images = LabeledImages.find(dir, "train-images-idx3-ubyte");
      labels = LabeledImages.find(dir, "train-labels-idx1-ubyte");
    }
    IdxHeader ih = LabeledImages.readHeaders(images, labels);
    return new DataShape(images.toString(), ih.dim(0), ih.dim(1), ih.dim(2), 1);
  }

  /**
   * The size of a data set before it is loaded.
   *
   * @param source what to name when the data is too large: the images file, or the source's id
   * @param count N, the number of images
   * @param height H
   * @param width W
   * @param channels C, 1 (grey) or 3 (colour); an upper bound before an image folder is decoded
   * @param heapCopies copies of the N×H×W×C pixels on the Java heap at once while loading
   */
  record DataShape(String source, int count, int height, int width, int channels, int heapCopies) {
    /** A grey set's shape (C = 1). */
    public DataShape(String source, int count, int height, int width, int heapCopies) {
      this(source, count, height, width, 1, heapCopies);
    }

    /** The full MNIST training set's size. */
    public static final int MNIST_COUNT = 60_000;

    /** N×H×W×C: the bytes of the pixels, one byte each. */
    public long pixelBytes() {
      return (long) count * height * width * channels;
    }

    /**
     * The Java heap the loaded set and its loading need at the peak: the pixels (as often as they
     * are copied), the labels file's bytes and the labels as ints.
     */
    public long heapBytes() {
      return heapCopies * pixelBytes() + 5L * count;
    }
  }

  /** {@link #id()} of the embedded set. */
  String EMBEDDED_ID = "embedded:mnist10k";

  /** Prefixes of stored ids. */
  String MNIST_PREFIX = "mnist:", FILES_PREFIX = "files:", IMAGES_PREFIX = "images:";
}
