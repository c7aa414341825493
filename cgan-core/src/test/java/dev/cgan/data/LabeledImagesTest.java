package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledImagesTest {
  @TempDir Path dir;

  /** Image i is filled with the value i, so a mix-up of images or offsets shows. */
  private static byte[] images(int n, int h, int w) {
    byte[] b = new byte[n * h * w];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i / (h * w));
    }
    return b;
  }

  private Path writeImages(String name, int n, int h, int w, boolean gzip) throws IOException {
    Path p = dir.resolve(name);
    IdxWriter.writeUbyte(p, images(n, h, w), new int[] {n, h, w}, gzip);
    return p;
  }

  private Path writeLabels(String name, byte[] labels, boolean gzip) throws IOException {
    Path p = dir.resolve(name);
    IdxWriter.writeUbyte(p, labels, new int[] {labels.length}, gzip);
    return p;
  }

  @Test
  void readsImagesAndLabels() throws IOException {
    Path img = writeImages("img.gz", 4, 3, 2, true);
    Path lab = writeLabels("lab", new byte[] {0, 2, 1, 2}, false);
    LabeledImages set = LabeledImages.read(img, lab);
    assertEquals(4, set.count());
    assertEquals(3, set.height());
    assertEquals(2, set.width());
    assertEquals(3, set.numClasses(), "max label + 1");
    assertArrayEquals(new int[] {0, 2, 1, 2}, set.labels());
    assertArrayEquals(images(4, 3, 2), set.pixels());
    assertArrayEquals(new byte[] {2, 2, 2, 2, 2, 2}, set.image(2));
    assertArrayEquals(new int[] {1, 1, 2}, set.classCounts());

    LabeledImages ten = LabeledImages.read(img, lab, 10);
    assertEquals(10, ten.numClasses());
    assertEquals(10, ten.classCounts().length);
  }

  @Test
  void labelsAreUnsigned() throws IOException {
    LabeledImages set =
        LabeledImages.read(
            writeImages("i", 1, 1, 1, false), writeLabels("l", new byte[] {(byte) 200}, false));
    assertEquals(200, set.label(0));
    assertEquals(201, set.numClasses());
  }

  @Test
  void countMismatch() throws IOException {
    Path img = writeImages("img", 4, 2, 2, false);
    Path lab = writeLabels("lab", new byte[] {0, 1, 2}, false);
    InvalidDataException e =
        assertThrows(InvalidDataException.class, () -> LabeledImages.read(img, lab));
    assertEquals(
        lab + ": images file " + img + " has 4 images but labels file has 3 labels",
        e.getMessage());
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path img = writeImages("img", 4, 2, 2, false);
    Path lab = writeLabels("lab", new byte[] {0, 1, 10, 11}, false);
    InvalidDataException e =
        assertThrows(InvalidDataException.class, () -> LabeledImages.read(img, lab, 10));
    assertEquals(lab + ": label at index 2 is 10, expected 0..9 for 10 classes", e.getMessage());
  }

  @Test
  void wrongShapes() throws IOException {
    Path flat = dir.resolve("flat");
    IdxWriter.writeUbyte(flat, new byte[12], new int[] {3, 4}, false);
    Path lab = writeLabels("lab", new byte[] {0, 1, 2}, false);
    InvalidDataException e =
        assertThrows(InvalidDataException.class, () -> LabeledImages.read(flat, lab));
    assertEquals(
        flat + ": expected a 3-dim ubyte IDX file [N, H, W], found 2-dim ubyte [3, 4]",
        e.getMessage());

    Path img = writeImages("img", 3, 2, 2, false);
    e = assertThrows(InvalidDataException.class, () -> LabeledImages.read(img, flat));
    assertEquals(
        flat + ": expected a 1-dim ubyte IDX file [N], found 2-dim ubyte [3, 4]", e.getMessage());
  }

  @Test
  void fromDirectoryFindsPlainOrGzipped() throws IOException {
    writeImages("train-images-idx3-ubyte.gz", 2, 2, 2, true);
    writeLabels("train-labels-idx1-ubyte", new byte[] {1, 0}, false);
    writeImages("t10k-images-idx3-ubyte", 3, 2, 2, false);
    writeLabels("t10k-labels-idx1-ubyte.gz", new byte[] {0, 0, 1}, true);
    assertEquals(2, LabeledImages.fromDirectory(dir).count());
    assertEquals(3, LabeledImages.fromDirectory(dir, "t10k").count());
  }

  @Test
  void fromDirectoryNamesWhatIsMissing() throws IOException {
    writeImages("train-images-idx3-ubyte.gz", 2, 2, 2, true);
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> LabeledImages.fromDirectory(dir));
    assertEquals(
        dir + ": no train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz in this directory",
        e.getMessage());

    Path nowhere = dir.resolve("nowhere");
    e = assertThrows(NoSuchFileException.class, () -> LabeledImages.fromDirectory(nowhere));
    assertEquals(nowhere + ": not a directory", e.getMessage());
  }

  @Test
  void subsetKeepsClassesAndCopies() {
    LabeledImages set = LabeledImages.of(images(5, 2, 2), new int[] {0, 1, 2, 3, 4}, 2, 2, 5);
    LabeledImages tail = set.subset(3, 5);
    assertEquals(2, tail.count());
    assertEquals(5, tail.numClasses());
    assertArrayEquals(new int[] {3, 4}, tail.labels());
    assertArrayEquals(new byte[] {3, 3, 3, 3}, tail.image(0));
    assertArrayEquals(new int[] {0, 0, 0, 1, 1}, tail.classCounts());
    assertEquals(0, set.subset(2, 2).count());
    assertThrows(IndexOutOfBoundsException.class, () -> set.subset(3, 6));
    assertThrows(IndexOutOfBoundsException.class, () -> set.subset(3, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> set.image(5));
  }

  @Test
  void ofValidatesAndCopies() {
    byte[] px = images(2, 1, 1);
    int[] labels = {0, 1};
    LabeledImages set = LabeledImages.of(px, labels, 1, 1, 2);
    px[0] = 9;
    labels[0] = 1;
    assertEquals(0, set.pixels()[0]);
    assertEquals(0, set.label(0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LabeledImages.of(new byte[2], new int[] {0, 2}, 1, 1, 2));
    assertEquals("label at index 1 is 2, expected 0..1", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> LabeledImages.of(new byte[3], new int[] {0, 1}, 1, 1, 2));
    assertTrue(set.toString().contains("2 images of 1x1, 2 classes"));
    assertTrue(Files.isDirectory(dir));
  }

  @Test
  void colourSetsAreHwcInterleavedAndGreyIsTheOneChannelCase() throws IOException {
    // Two 1x2 RGB images: pixel (y, x) of image i starts at ((i * H + y) * W + x) * C.
    byte[] px = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    LabeledImages d = LabeledImages.of(px, new int[] {0, 1}, 1, 2, 3, 2);
    assertEquals(3, d.channels());
    assertArrayEquals(new byte[] {7, 8, 9, 10, 11, 12}, d.image(1));
    LabeledImages second = d.subset(1, 2);
    assertEquals(3, second.channels());
    assertArrayEquals(new byte[] {7, 8, 9, 10, 11, 12}, second.pixels());
    assertEquals("LabeledImages[2 images of 1x2x3, 2 classes]", d.toString());
    assertThrows(
        IllegalArgumentException.class, () -> LabeledImages.of(px, new int[] {0, 1}, 1, 2, 2, 2));
    assertThrows(
        IllegalArgumentException.class, () -> LabeledImages.of(px, new int[] {0}, 1, 2, 3, 2));

    LabeledImages grey = LabeledImages.of(px, new int[] {0, 1}, 2, 3, 2);
    assertEquals(1, grey.channels());
    assertEquals(List.of(), grey.classNames());
    assertEquals("LabeledImages[2 images of 2x3, 2 classes]", grey.toString());
    LabeledImages named = grey.withClassNames(List.of("cat", "dog"));
    assertEquals(List.of("cat", "dog"), named.classNames());
    assertEquals(List.of("cat", "dog"), named.subset(0, 1).classNames());
    assertThrows(IllegalArgumentException.class, () -> grey.withClassNames(List.of("cat")));
    assertThrows(IllegalArgumentException.class, () -> grey.withClassNames(List.of("cat", "cat")));

    Path out = d.writeIdx(dir.resolve("colour"));
    IdxFile images = IdxFile.read(out.resolve("train-images-idx3-ubyte.gz"));
    assertArrayEquals(new int[] {2, 1, 2, 3}, images.dims());
  }
}
