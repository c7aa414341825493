package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.NotEnoughMemoryException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  @TempDir Path tmp;
  Path dir;
  Path cache;

  private static final int RGB = BufferedImage.TYPE_3BYTE_BGR;
  private static final int GREY = BufferedImage.TYPE_BYTE_GRAY;

  /** Coloured shapes of odd sizes, grey and colour, PNG, JPEG, BMP and GIF, at several depths. */
  @BeforeEach
  void shapes() throws IOException {
    dir = tmp.resolve("shapes");
    cache = tmp.resolve("cache");
    TestImages.write(
        TestImages.shape("circle", 33, 21, Color.RED, RGB), "png", dir.resolve("circle/a.png"));
    TestImages.write(
        TestImages.shape("circle", 17, 40, Color.WHITE, GREY),
        "jpeg",
        dir.resolve("circle/sub/b.jpg"));
    TestImages.write(
        TestImages.shape("circle", 9, 9, Color.GREEN, RGB), "png", dir.resolve("circle/c.PNG"));
    TestImages.write(
        TestImages.shape("square", 20, 20, Color.BLUE, RGB), "bmp", dir.resolve("square/x.bmp"));
    TestImages.write(
        TestImages.shape("square", 31, 7, Color.WHITE, GREY),
        "png",
        dir.resolve("square/deep/er/y.png"));
    TestImages.write(
        TestImages.shape("triangle", 25, 25, Color.YELLOW, BufferedImage.TYPE_BYTE_INDEXED),
        "gif",
        dir.resolve("Triangle/t.gif"));
    // Ignored: hidden files and folders, other extensions, files beside the class folders.
    TestImages.write(
        TestImages.shape("square", 5, 5, Color.RED, RGB), "png", dir.resolve("square/.hidden.png"));
    TestImages.write(
        TestImages.shape("square", 5, 5, Color.RED, RGB),
        "png",
        dir.resolve("square/.thumbs/z.png"));
    TestImages.write(
        TestImages.shape("square", 5, 5, Color.RED, RGB), "png", dir.resolve(".git/q.png"));
    Files.writeString(dir.resolve("square/notes.txt"), "not an image");
    TestImages.write(
        TestImages.shape("square", 5, 5, Color.RED, RGB), "png", dir.resolve("readme.png"));
  }

  private ImageFolderOptions options(int size) {
    return ImageFolderOptions.defaults().withSize(size).withCacheDir(cache).withThreads(2);
  }

  @Test
  void readsClassesAndFilesInTorchvisionOrderWithoutWritingIntoTheFolder() throws IOException {
    Map<String, String> before = TestImages.snapshot(dir);
    int[] lastProgress = new int[2];
    ImageFolderReader.Result r =
        ImageFolderReader.read(
            dir,
            options(16),
            (done, total, rate) -> {
              lastProgress[0] = done;
              lastProgress[1] = total;
            });
    assertEquals(before, TestImages.snapshot(dir));
    // Code point order: 'T' (84) before 'c' (99) and 's' (115); no locale, no case folding.
    assertEquals(List.of("Triangle", "circle", "square"), r.images().classNames());
    assertEquals(
        List.of(
            "Triangle/t.gif",
            "circle/a.png",
            "circle/c.PNG",
            "circle/sub/b.jpg",
            "square/x.bmp",
            "square/deep/er/y.png"),
        r.listing().entries().stream().map(FolderListing.Entry::path).toList());
    assertArrayEquals(new int[] {0, 1, 1, 1, 2, 2}, r.images().labels());
    assertEquals(3, r.images().channels());
    assertEquals(16, r.images().height());
    assertEquals(16, r.images().width());
    assertEquals(6 * 16 * 16 * 3, r.images().pixels().length);
    assertEquals(List.of(), r.skipped());
    assertFalse(r.fromCache());
    assertArrayEquals(new int[] {6, 6}, lastProgress);
    // The centre of the red circle is red, of the blue square blue.
    byte[] circle = r.images().image(1);
    int centre = (8 * 16 + 8) * 3;
    assertEquals(255, circle[centre] & 0xFF);
    assertEquals(0, circle[centre + 1] & 0xFF);
    byte[] square = r.images().image(4);
    assertEquals(255, square[centre + 2] & 0xFF);
    assertEquals(0, square[centre] & 0xFF);
  }

  @Test
  void secondLoadComesFromTheCacheAndADamagedCacheIsDecodedAgain() throws IOException {
    ImageFolderReader.Result first = ImageFolderReader.read(dir, options(12), DecodeProgress.NONE);
    List<Path> files;
    try (Stream<Path> s = Files.list(cache)) {
      files = s.toList();
    }
    assertEquals(1, files.size(), files.toString());
    ImageFolderReader.Result second = ImageFolderReader.read(dir, options(12), DecodeProgress.NONE);
    assertTrue(second.fromCache());
    assertArrayEquals(first.images().pixels(), second.images().pixels());
    assertArrayEquals(first.images().labels(), second.images().labels());
    assertEquals(first.images().classNames(), second.images().classNames());

    byte[] bytes = Files.readAllBytes(files.get(0));
    bytes[bytes.length - 100] ^= 1;
    Files.write(files.get(0), bytes);
    ImageFolderReader.Result third = ImageFolderReader.read(dir, options(12), DecodeProgress.NONE);
    assertFalse(third.fromCache());
    assertTrue(third.notes().get(0).contains("SHA-256"), third.notes().toString());
    assertArrayEquals(first.images().pixels(), third.images().pixels());

    // Other options or a touched file: another cache entry, decoded afresh.
    assertFalse(
        ImageFolderReader.read(dir, options(12).withChannels(1), DecodeProgress.NONE).fromCache());
    Files.setLastModifiedTime(dir.resolve("circle/a.png"), FileTime.fromMillis(1_000_000));
    assertFalse(ImageFolderReader.read(dir, options(12), DecodeProgress.NONE).fromCache());
  }

  @Test
  void autoChannelsAreGreyWhenNoPixelHasColourAndOwnSizeKeepsPixelsExactly() throws IOException {
    Path grey = tmp.resolve("grey");
    int[][] a = {{0, 10, 20}, {30, 40, 50}, {60, 70, 255}};
    int[][] b = {{5, 6, 7}, {8, 9, 10}, {11, 12, 13}};
    TestImages.write(TestImages.grey(a), "png", grey.resolve("0/a.png"));
    // An RGB file whose pixels are grey: still grey data.
    BufferedImage rgb = new BufferedImage(3, 3, RGB);
    rgb.getGraphics().drawImage(TestImages.grey(b), 0, 0, null);
    TestImages.write(rgb, "png", grey.resolve("1/b.png"));
    ImageFolderReader.Result r =
        ImageFolderReader.read(
            grey, ImageFolderOptions.defaults().withCacheDir(null), DecodeProgress.NONE);
    LabeledImages d = r.images();
    assertEquals(1, d.channels());
    assertEquals(3, d.height());
    byte[] expected = new byte[18];
    for (int i = 0; i < 9; i++) {
      expected[i] = (byte) a[i / 3][i % 3];
      expected[9 + i] = (byte) b[i / 3][i % 3];
    }
    assertArrayEquals(expected, d.pixels());
    // The same bytes as an IDX pair of the same images.
    LabeledImages idx = LabeledImages.fromDirectory(d.writeIdx(tmp.resolve("idx")));
    assertArrayEquals(idx.pixels(), d.pixels());

    // Own size with images of two sizes: refused, naming one.
    TestImages.write(TestImages.grey(new int[][] {{1, 2}}), "png", grey.resolve("1/c.png"));
    InvalidDataException e =
        assertThrows(
            InvalidDataException.class,
            () ->
                ImageFolderReader.read(
                    grey, ImageFolderOptions.defaults().withCacheDir(null), DecodeProgress.NONE));
    assertTrue(e.getMessage().contains("c.png: is 2x1 but"), e.getMessage());
  }

  @Test
  void fingerprintAndChangesNameWhatChanged() throws IOException {
    FolderListing before = ImageFolderReader.scan(dir);
    assertEquals(before.fingerprint(), ImageFolderReader.scan(dir).fingerprint());
    assertEquals(
        before.fingerprint(), FolderListing.Fingerprint.parse(before.fingerprint().toString()));
    Path saved = tmp.resolve("listing.bin");
    before.write(saved);
    assertEquals(before, FolderListing.read(saved));

    Files.delete(dir.resolve("circle/c.PNG"));
    Files.copy(dir.resolve("circle/a.png"), dir.resolve("square/new.png"));
    Files.copy(dir.resolve("circle/a.png"), dir.resolve("square/other.png"));
    Files.setLastModifiedTime(dir.resolve("square/x.bmp"), FileTime.fromMillis(5_000));
    FolderListing after = ImageFolderReader.scan(dir);
    assertFalse(after.fingerprint().equals(before.fingerprint()));
    FolderListing.Changes c = after.changesSince(FolderListing.read(saved));
    assertEquals(new FolderListing.Changes(2, 1, 1, "added square/new.png"), c);
    assertEquals("2 added, 1 removed, 1 modified (e.g. added square/new.png)", c.toString());
    assertTrue(after.changesSince(after).isEmpty());
  }

  @Test
  void aSetThatCannotFitIsRefusedWithTheNumbersBeforeDecoding() {
    ImageFolderReader.freeHeapOverride = 100_000;
    try {
      NotEnoughMemoryException e =
          assertThrows(
              NotEnoughMemoryException.class,
              () -> ImageFolderReader.read(dir, options(64), DecodeProgress.NONE));
      assertTrue(e.getMessage().contains("6 images of 64x64x3 need about"), e.getMessage());
      assertTrue(e.getMessage().contains("raise it with -Xmx"), e.getMessage());
      assertTrue(e.needed() > 6 * 64 * 64 * 3);
      assertFalse(Files.exists(cache));
    } finally {
      ImageFolderReader.freeHeapOverride = -1;
    }
  }

  @Test
  void dataSourceReadsTheFolderAndItsIdRoundTrips() throws IOException {
    ImageFolderOptions o =
        options(8).withResize(ImageFolderOptions.Resize.PAD).withBackground(0x102030);
    DataSource source = DataSource.imageFolder(dir, o);
    DataSource back = DataSource.fromId(source.id(), List.of());
    assertEquals(source.id(), back.id());
    assertEquals(o.key(), ((DataSource.ImageFolder) back).options().key());
    DataSource.DataShape shape = source.shape();
    assertEquals(6, shape.count());
    assertEquals(8 * 8 * 3 * 6, shape.pixelBytes());
    LabeledImages d = source.load(0, MnistDownloader.Progress.NONE);
    assertEquals(3, d.numClasses());
    InvalidDataException e =
        assertThrows(
            InvalidDataException.class, () -> source.load(4, MnistDownloader.Progress.NONE));
    assertTrue(
        e.getMessage().contains("3 class folders [Triangle, circle, square], but 4"),
        e.getMessage());
  }
}
