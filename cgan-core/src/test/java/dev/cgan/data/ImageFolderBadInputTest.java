package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input is named in one line, nothing is written, and skipping trains on the rest. */
class ImageFolderBadInputTest {
  @TempDir Path tmp;
  Path dir;
  Path cache;

  @BeforeEach
  void twoClasses() throws IOException {
    dir = tmp.resolve("data");
    cache = tmp.resolve("cache");
    for (String c : new String[] {"cat", "dog"}) {
      for (int i = 0; i < 3; i++) {
        BufferedImage img =
            TestImages.shape("circle", 10 + i, 12, Color.ORANGE, BufferedImage.TYPE_3BYTE_BGR);
        TestImages.write(img, "png", dir.resolve(c + "/" + i + ".png"));
      }
    }
  }

  private ImageFolderOptions options() {
    return ImageFolderOptions.defaults().withSize(8).withCacheDir(cache).withThreads(2);
  }

  /** Loads, expects an error whose message holds every {@code parts}, and nothing written. */
  private InvalidDataException refused(String... parts) throws IOException {
    Map<String, String> before = TestImages.snapshot(dir);
    InvalidDataException e =
        assertThrows(
            InvalidDataException.class,
            () -> ImageFolderReader.read(dir, options(), DecodeProgress.NONE));
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertEquals(before, TestImages.snapshot(dir));
    assertFalse(Files.exists(cache), "nothing cached");
    return e;
  }

  @Test
  void corruptImage() throws IOException {
    byte[] png = Files.readAllBytes(dir.resolve("cat/0.png"));
    Files.write(dir.resolve("cat/broken.png"), Arrays.copyOf(png, png.length / 2));
    refused("cat/broken.png: corrupt or truncated image", "no other file is bad");
  }

  @Test
  void textWithAnImageExtension() throws IOException {
    Files.writeString(dir.resolve("dog/notes.JPG"), "<html>not an image</html>");
    refused("dog/notes.JPG: not an image javax.imageio can decode");
  }

  @Test
  void zeroByteFile() throws IOException {
    Files.write(dir.resolve("dog/empty.png"), new byte[0]);
    refused("dog/empty.png: empty file (0 bytes)");
  }

  @Test
  void brokenSymbolicLink() throws IOException {
    Files.createSymbolicLink(dir.resolve("dog/gone.png"), dir.resolve("nowhere.png"));
    refused("dog/gone.png: cannot be read: no such file");
  }

  @Test
  void unreadableFile() throws IOException {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reads files of any mode");
    Path p = dir.resolve("dog/secret.png");
    Files.copy(dir.resolve("dog/0.png"), p);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
    refused("dog/secret.png: cannot be read: permission denied");
  }

  @Test
  void decompressionBombIsRefusedFromItsHeader() throws IOException {
    Files.write(dir.resolve("cat/bomb.png"), TestImages.pngDeclaring(50_000, 50_000));
    long start = System.nanoTime();
    refused(
        "cat/bomb.png: declares 50,000 x 50,000 = 2,500,000,000 pixels, more than the limit of 67,108,864");
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused without decoding");
  }

  @Test
  void symbolicLinkLoop() throws IOException {
    Files.createSymbolicLink(dir.resolve("cat/loop"), dir.resolve("cat"));
    refused("cat/loop: symbolic link loop");
  }

  @Test
  void emptyClassFolder() throws IOException {
    Files.createDirectories(dir.resolve("emu/nothing"));
    Files.writeString(dir.resolve("emu/readme.txt"), "no images");
    refused("emu: class folder 'emu' has no images");
  }

  @Test
  void oneClassOnly() throws IOException {
    AtomicFilesDelete.tree(dir.resolve("dog"));
    refused("only one class folder, 'cat'");
  }

  @Test
  void noImages() throws IOException {
    AtomicFilesDelete.tree(dir.resolve("dog"));
    AtomicFilesDelete.tree(dir.resolve("cat"));
    Files.createDirectories(dir);
    refused("data: no images", "found no class subfolders");
  }

  @Test
  void allBadFilesAreCountedAndSkippingTrainsOnTheRest() throws IOException {
    Files.write(dir.resolve("cat/empty.png"), new byte[0]);
    Files.write(dir.resolve("cat/bomb.png"), TestImages.pngDeclaring(50_000, 50_000));
    Files.write(dir.resolve("dog/text.gif"), "GIF? no".getBytes(StandardCharsets.US_ASCII));
    Files.createSymbolicLink(dir.resolve("dog/loop"), dir.resolve("dog"));
    refused("cat/bomb.png: declares", "3 other files are bad");

    Map<String, String> before = TestImages.snapshot(dir);
    ImageFolderReader.Result r =
        ImageFolderReader.read(dir, options().withSkipBadImages(true), DecodeProgress.NONE);
    assertEquals(before, TestImages.snapshot(dir));
    assertEquals(6, r.images().count());
    assertEquals(10, r.listing().count() + r.listing().problems().size());
    assertEquals(4, r.skipped().size());
    assertTrue(r.skipped().get(0).startsWith("cat/bomb.png: declares"), r.skipped().toString());
    assertTrue(r.skipped().get(1).startsWith("cat/empty.png: empty file"), r.skipped().toString());
    assertTrue(
        r.skipped().get(3).startsWith("dog/loop: symbolic link loop"), r.skipped().toString());
    assertEquals(List.of(0, 0, 0, 1, 1, 1), Arrays.stream(r.images().labels()).boxed().toList());
    // The skipped list comes back from the cache too.
    ImageFolderReader.Result again =
        ImageFolderReader.read(dir, options().withSkipBadImages(true), DecodeProgress.NONE);
    assertTrue(again.fromCache());
    assertEquals(r.skipped(), again.skipped());
  }

  @Test
  void aClassWithOnlyBadImagesIsRefusedEvenWhenSkipping() throws IOException {
    for (int i = 0; i < 3; i++) {
      Files.write(dir.resolve("dog/" + i + ".png"), new byte[0]);
    }
    InvalidDataException e =
        assertThrows(
            InvalidDataException.class,
            () ->
                ImageFolderReader.read(
                    dir, options().withSkipBadImages(true), DecodeProgress.NONE));
    assertTrue(e.getMessage().contains("class folder 'dog' has no good images"), e.getMessage());
  }

  /** Deletes a tree the test made. */
  private static final class AtomicFilesDelete {
    static void tree(Path p) throws IOException {
      dev.cgan.internal.AtomicFiles.deleteRecursively(p);
    }
  }
}
