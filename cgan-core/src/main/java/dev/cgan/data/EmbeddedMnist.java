package dev.cgan.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;

/**
 * The default dataset: 10,000 real MNIST digits (28×28, classes 0–9) shipped inside cgan-core as
 * classpath resources, so training works with no download. The source, recipe and licence are in
 * {@code testdata/mnist10k/README.md}; the files are resources of this jar.
 *
 * <p>Each resource is checked against its SHA-256 before use, so a damaged jar or a resource
 * replaced by a build step fails loudly instead of training on different data.
 */
public final class EmbeddedMnist {
  /** Where the resources live on the classpath. */
  public static final String RESOURCE_DIR = "dev/cgan/data/mnist10k/";

  /** The images resource's file name: ubyte IDX [10000, 28, 28], gzipped. */
  public static final String IMAGES = "train-images-idx3-ubyte.gz";

  /** The labels resource's file name: ubyte IDX [10000], gzipped. */
  public static final String LABELS = "train-labels-idx1-ubyte.gz";

  /** SHA-256 of the gzipped images resource. */
  public static final String IMAGES_SHA256 =
      "f9ad74fa704ab0adf59f6464d7895a688352cec02a309ddfcac92234810b15e9";

  /** SHA-256 of the gzipped labels resource. */
  public static final String LABELS_SHA256 =
      "40f4dcf08c362a0f801ea32b9508eef450a1d594bb970e6bf7c938717715f119";

  /** The number of images. */
  public static final int COUNT = 10_000;

  /** The number of classes (digits 0–9). */
  public static final int NUM_CLASSES = 10;

  private EmbeddedMnist() {}

  /**
   * Loads the embedded set: 10,000 images of 28×28 with 10 classes. Decodes the resources on every
   * call (a fraction of a second), so callers that need it twice should keep the result.
   *
   * @return the set
   * @throws NoSuchFileException if a resource is missing from the classpath
   * @throws InvalidDataException if a resource's SHA-256 is not the expected one or it does not
   *     parse
   * @throws IOException if a resource cannot be read
   */
  public static LabeledImages load() throws IOException {
    IdxFile images = readVerified(IMAGES, IMAGES_SHA256);
    images.requireUbyte(3, "[N, H, W]");
    IdxFile labels = readVerified(LABELS, LABELS_SHA256);
    labels.requireUbyte(1, "[N]");
    byte[] raw = labels.ubytes();
    int[] ints = new int[raw.length];
    for (int i = 0; i < raw.length; i++) {
      ints[i] = raw[i] & 0xFF;
    }
    // of() copies 7.8 MB once; cheap next to the gunzip, and it keeps one checked way in.
    return LabeledImages.of(images.ubytes(), ints, images.dim(1), images.dim(2), NUM_CLASSES);
  }

  private static IdxFile readVerified(String name, String expectedSha256) throws IOException {
    String path = RESOURCE_DIR + name;
    String source = "classpath:" + path;
    byte[] bytes;
    try (InputStream in = EmbeddedMnist.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new NoSuchFileException(
            source, null, "resource not found (is cgan-core built with its resources?)");
      }
      bytes = in.readAllBytes();
    }
    String found = Sha256.of(bytes);
    if (!found.equals(expectedSha256)) {
      throw new InvalidDataException(
          source,
          "expected SHA-256 "
              + expectedSha256
              + ", found "
              + found
              + " ("
              + bytes.length
              + " bytes)");
    }
    return IdxFile.read(new ByteArrayInputStream(bytes), source);
  }
}
