package dev.cgan.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A set of images with one class label each: N images of H×W×C unsigned-byte pixels and N labels in
 * {@code [0, numClasses)}. Grey sets (C = 1, every IDX and MNIST source) are {@code [N, H, W]}
 * row-major, 0 = black background, 255 = full ink as in MNIST; colour sets (C = 3) are {@code [N,
 * H, W, C]}, RGB interleaved per pixel (HWC, the layout of TensorFlow's images and of PNG rows), so
 * that pixel (y, x) of image i starts at {@code ((i * H + y) * W + x) * C}. A grey set is the C = 1
 * case of the same formula, byte for byte.
 *
 * <p>Instances do not change after construction. {@link #pixels()} and {@link #labels()} hand out
 * the internal arrays rather than copies, because a full MNIST set is 47 MB and training reads it
 * once; callers must not modify them.
 */
public final class LabeledImages {
  private final byte[] pixels;
  private final int[] labels;
  private final int height;
  private final int width;
  private final int channels;
  private final int numClasses;
  private final List<String> classNames;

  // Takes the arrays without copying; every public way in either copies or owns them.
  private LabeledImages(byte[] pixels, int[] labels, int height, int width, int numClasses) {
    this(pixels, labels, height, width, 1, numClasses, List.of());
  }

  private LabeledImages(
      byte[] pixels,
      int[] labels,
      int height,
      int width,
      int channels,
      int numClasses,
      List<String> classNames) {
    this.pixels = pixels;
    this.labels = labels;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.numClasses = numClasses;
    this.classNames = classNames;
  }

  /**
   * Builds a set from arrays in memory (copied), e.g. synthetic data in tests.
   *
   * @param pixels N×H×W unsigned bytes, row-major, image after image
   * @param labels N labels, each in {@code [0, numClasses)}
   * @param height H, positive
   * @param width W, positive
   * @param numClasses the number of classes, positive
   * @return the set
   * @throws IllegalArgumentException if the sizes disagree or a label is out of range
   */
  public static LabeledImages of(
      byte[] pixels, int[] labels, int height, int width, int numClasses) {
    return of(pixels, labels, height, width, 1, numClasses);
  }

  /**
   * Builds a set of grey (C = 1) or colour (C = 3) images from arrays in memory (copied).
   *
   * @param pixels N×H×W×C unsigned bytes, HWC interleaved, image after image
   * @param channels C, 1 (grey) or 3 (RGB)
   * @see #of(byte[], int[], int, int, int)
   */
  public static LabeledImages of(
      byte[] pixels, int[] labels, int height, int width, int channels, int numClasses) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (height <= 0 || width <= 0 || numClasses <= 0) {
      throw new IllegalArgumentException(
          "height, width and numClasses must be positive, got "
              + height
              + ", "
              + width
              + ", "
              + numClasses);
    }
    if ((long) labels.length * height * width * channels != pixels.length) {
      throw new IllegalArgumentException(
          labels.length
              + " labels need "
              + labels.length
              + "x"
              + height
              + "x"
              + width
              + (channels == 1 ? "" : "x" + channels)
              + " = "
              + (long) labels.length * height * width * channels
              + " pixels, got "
              + pixels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label at index " + i + " is " + labels[i] + ", expected 0.." + (numClasses - 1));
      }
    }
    return new LabeledImages(
        pixels.clone(), labels.clone(), height, width, channels, numClasses, List.of());
  }

  /** Takes the arrays without copying, for the loaders of this package that own them. */
  static LabeledImages owning(
      byte[] pixels, int[] labels, int height, int width, int channels, List<String> classNames) {
    return new LabeledImages(
        pixels, labels, height, width, channels, classNames.size(), List.copyOf(classNames));
  }

  /**
   * Reads an images file and a labels file; the number of classes is the largest label + 1.
   *
   * @see #read(Path, Path, int)
   */
  public static LabeledImages read(Path images, Path labels) throws IOException {
    return read(images, labels, 0);
  }

  /**
   * Reads an images file and a labels file in IDX format (each plain or gzipped).
   *
   * @param images a 3-dim ubyte IDX file [N, H, W]
   * @param labels a 1-dim ubyte IDX file [N]
   * @param numClasses the number of classes; every label must be below it. 0 means the largest
   *     label + 1.
   * @return the set
   * @throws InvalidDataException if either file is malformed or has the wrong type or shape, the
   *     counts disagree, or a label is {@code >= numClasses}
   * @throws IOException if a file cannot be read
   */
  public static LabeledImages read(Path images, Path labels, int numClasses) throws IOException {
    if (numClasses < 0) {
      throw new IllegalArgumentException(
          "numClasses must be positive, or 0 for automatic; got " + numClasses);
    }
    readHeaders(images, labels);
    IdxFile labelFile = IdxFile.read(labels);
    labelFile.requireUbyte(1, "[N]");
    byte[] raw = labelFile.ubytes();
    int n = raw.length;
    int[] ints = new int[n];
    int max = 0;
    for (int i = 0; i < n; i++) {
      ints[i] = raw[i] & 0xFF;
      max = Math.max(max, ints[i]);
    }
    int classes = numClasses == 0 ? max + 1 : numClasses;
    if (max >= classes) {
      int at = 0;
      while (ints[at] < classes) {
        at++;
      }
      throw new InvalidDataException(
          labels.toString(),
          "label at index "
              + at
              + " is "
              + ints[at]
              + ", expected 0.."
              + (classes - 1)
              + " for "
              + classes
              + " classes");
    }
    IdxFile imageFile = IdxFile.read(images);
    imageFile.requireUbyte(3, "[N, H, W]");
    // Read again: the file may have changed since its header was looked at.
    requireSameCount(images, imageFile.dim(0), labels, n);
    return new LabeledImages(imageFile.ubytes(), ints, imageFile.dim(1), imageFile.dim(2), classes);
  }

  /**
   * The images file's header, once both headers are checked: the types and shapes, and the counts
   * against each other. A mismatch is named before anything is inflated or allocated.
   */
  static IdxHeader readHeaders(Path images, Path labels) throws IOException {
    IdxHeader imageHeader = IdxFile.readHeader(images);
    imageHeader.requireUbyte(3, "[N, H, W]");
    IdxHeader labelHeader = IdxFile.readHeader(labels);
    labelHeader.requireUbyte(1, "[N]");
    requireSameCount(images, imageHeader.dim(0), labels, labelHeader.dim(0));
    return imageHeader;
  }

  private static void requireSameCount(Path images, int imageCount, Path labels, int labelCount)
      throws InvalidDataException {
    if (labelCount != imageCount) {
      throw new InvalidDataException(
          labels.toString(),
          "images file "
              + images
              + " has "
              + imageCount
              + " images but labels file has "
              + labelCount
              + " labels");
    }
  }

  /**
   * This set with {@code numClasses} classes, at least as many as its labels need; the arrays are
   * shared, not copied (neither changes).
   */
  LabeledImages withNumClasses(int numClasses) {
    if (numClasses < this.numClasses) {
      throw new IllegalArgumentException(
          "labels go up to " + (this.numClasses - 1) + ", more than " + numClasses + " classes");
    }
    // Names stop matching once the count changes; the extra classes have none to give.
    List<String> names = numClasses == this.numClasses ? classNames : List.of();
    return new LabeledImages(pixels, labels, height, width, channels, numClasses, names);
  }

  /**
   * This set with the classes named, e.g. the subfolder names of an image folder or a user's {@code
   * --class-names}; the arrays are shared, not copied.
   *
   * @param names one name per class, {@link #numClasses()} of them, none blank or repeated
   */
  public LabeledImages withClassNames(List<String> names) {
    List<String> copy = List.copyOf(names);
    if (copy.size() != numClasses) {
      throw new IllegalArgumentException(
          copy.size() + " class names for " + numClasses + " classes: " + copy);
    }
    if (copy.stream().anyMatch(String::isBlank) || copy.stream().distinct().count() < copy.size()) {
      throw new IllegalArgumentException("class names must be distinct and not blank: " + copy);
    }
    return new LabeledImages(pixels, labels, height, width, channels, numClasses, copy);
  }

  /**
   * Reads the MNIST-style training set from a directory.
   *
   * @see #fromDirectory(Path, String)
   */
  public static LabeledImages fromDirectory(Path dir) throws IOException {
    return fromDirectory(dir, "train");
  }

  /**
   * Reads an MNIST-style set from a directory holding {@code <prefix>-images-idx3-ubyte} and {@code
   * <prefix>-labels-idx1-ubyte}, each either plain or with a {@code .gz} suffix (the plain one wins
   * when both exist, since unpacking is a deliberate act). The number of classes is the largest
   * label + 1.
   *
   * @param dir the directory, e.g. the {@link MnistDownloader} cache
   * @param prefix {@code "train"} or {@code "t10k"} for the MNIST files
   * @return the set
   * @throws NoSuchFileException if {@code dir} is not a directory or a file is missing; the message
   *     names the directory and the file names looked for
   * @throws InvalidDataException if a file is malformed
   * @throws IOException if a file cannot be read
   */
  public static LabeledImages fromDirectory(Path dir, String prefix) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "not a directory");
    }
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    return read(images, labels);
  }

  static Path find(Path dir, String name) throws NoSuchFileException {
    for (String candidate : new String[] {name, name + ".gz"}) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new NoSuchFileException(
        dir.toString(), null, "no " + name + " or " + name + ".gz in this directory");
  }

  /** N, the number of images. */
  public int count() {
    return labels.length;
  }

  /** H, the image height in pixels. */
  public int height() {
    return height;
  }

  /** W, the image width in pixels. */
  public int width() {
    return width;
  }

  /** C, the channels of each pixel: 1 (grey) or 3 (RGB, interleaved). */
  public int channels() {
    return channels;
  }

  /**
   * The class names, index = label, when the source names its classes (an image folder's
   * subfolders); empty when it does not (IDX files, MNIST), where the labels are the names.
   */
  public List<String> classNames() {
    return classNames;
  }

  /** The number of classes; labels are in {@code [0, numClasses)}. */
  public int numClasses() {
    return numClasses;
  }

  /**
   * All pixels, N×H×W×C unsigned bytes (read with {@code & 0xFF}), row-major and HWC interleaved,
   * image after image (see the class comment). The internal array, not a copy: do not modify it.
   */
  public byte[] pixels() {
    return pixels;
  }

  /** All N labels, in {@code [0, numClasses)}. The internal array, not a copy: do not modify it. */
  public int[] labels() {
    return labels;
  }

  /** The label of image {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** The H×W×C pixels of image {@code i}, row-major, HWC; a copy. */
  public byte[] image(int i) {
    if (i < 0 || i >= labels.length) {
      throw new IndexOutOfBoundsException("image " + i + " of " + labels.length);
    }
    int size = height * width * channels;
    return Arrays.copyOfRange(pixels, i * size, (i + 1) * size);
  }

  /** How many images each class has; an array of length {@link #numClasses()}. */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  /**
   * Images {@code from} (inclusive) to {@code to} (exclusive) as a new set (copied) with the same
   * number of classes, even if some class has no image in the range; e.g. a train / held-out split.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= count()}
   */
  public LabeledImages subset(int from, int to) {
    if (from < 0 || to < from || to > labels.length) {
      throw new IndexOutOfBoundsException(
          "subset [" + from + ", " + to + ") of " + labels.length + " images");
    }
    int size = height * width * channels;
    return new LabeledImages(
        Arrays.copyOfRange(pixels, from * size, to * size),
        Arrays.copyOfRange(labels, from, to),
        height,
        width,
        channels,
        numClasses,
        classNames);
  }

  /**
   * Writes the set into {@code dir} (created if missing) as {@code train-images-idx3-ubyte.gz} and
   * {@code train-labels-idx1-ubyte.gz}, the pair {@link #fromDirectory(Path)} and {@link
   * DataSource#idxFolder(Path)} read; existing files of those names are replaced. A colour set is
   * written as [N, H, W, C], which IDX allows and the readers of this package refuse by name.
   *
   * @return {@code dir}
   */
  public Path writeIdx(Path dir) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    byte[] bytes = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] > 255) {
        throw new IllegalStateException("label " + labels[i] + " does not fit an IDX ubyte");
      }
      bytes[i] = (byte) labels[i];
    }
    IdxWriter.writeUbyte(
        dir.resolve("train-images-idx3-ubyte.gz"),
        pixels,
        channels == 1
            ? new int[] {labels.length, height, width}
            : new int[] {labels.length, height, width, channels},
        true);
    IdxWriter.writeUbyte(
        dir.resolve("train-labels-idx1-ubyte.gz"), bytes, new int[] {labels.length}, true);
    return dir;
  }

  @Override
  public String toString() {
    return "LabeledImages["
        + labels.length
        + " images of "
        + height
        + "x"
        + width
        + (channels == 1 ? "" : "x" + channels)
        + ", "
        + numClasses
        + " classes]";
  }
}
