package dev.cgan.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngTest {

  @TempDir Path dir;

  /** 16x16 grey image holding every value 0..255 once. */
  private static BufferedImage allGreys() {
    byte[] pixels = new byte[256];
    for (int v = 0; v < 256; v++) {
      pixels[v] = (byte) v;
    }
    return Tiles.strip(pixels, 1, 16, 16, 1);
  }

  private List<Path> listing(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.toList();
    }
  }

  @Test
  void roundTripKeepsEveryGreyValue() throws IOException {
    Path file = dir.resolve("grey.png");
    Png.write(allGreys(), file);

    BufferedImage back = Png.read(file);
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, back.getType());
    assertEquals(16, back.getWidth());
    assertEquals(16, back.getHeight());
    for (int v = 0; v < 256; v++) {
      assertEquals(v, back.getRaster().getSample(v % 16, v / 16, 0), "grey value " + v);
    }
    assertEquals(List.of(file), listing(dir), "no temporary file left behind");
  }

  @Test
  void sameImageGivesIdenticalBytes() throws IOException {
    Path a = dir.resolve("a.png");
    Path b = dir.resolve("b.png");
    Png.write(allGreys(), a);
    Png.write(allGreys(), b);
    byte[] first = Files.readAllBytes(a);
    assertArrayEquals(first, Files.readAllBytes(b));
    // Rewriting in place replaces the file and still gives the same bytes.
    Png.write(allGreys(), a);
    assertArrayEquals(first, Files.readAllBytes(a));
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(first, 8));
    // The reason the bytes are stable: no tIME chunk, which would change on every write.
    assertFalse(new String(first, StandardCharsets.ISO_8859_1).contains("tIME"));
  }

  @Test
  void replacesExistingFile() throws IOException {
    Path file = dir.resolve("result.png");
    Files.writeString(file, "old contents");
    Png.write(allGreys(), file);
    assertEquals(256, Png.read(file).getWidth() * Png.read(file).getHeight());
  }

  @Test
  void missingDirectoryIsNamedInTheMessage() {
    Path missing = dir.resolve("no/such/dir");
    Path target = missing.resolve("result.png");

    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> Png.write(allGreys(), target));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("result.png"), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertFalse(Files.exists(dir.resolve("no")), "nothing created on the way");
  }

  @Test
  void parentThatIsAFileIsReported() throws IOException {
    Path notDir = Files.writeString(dir.resolve("plain"), "x");
    NotDirectoryException e =
        assertThrows(
            NotDirectoryException.class, () -> Png.write(allGreys(), notDir.resolve("result.png")));
    assertTrue(e.getMessage().contains(notDir.toString()), e.getMessage());
  }

  @Test
  void readOnlyDirectoryIsNamedInTheMessage() throws IOException {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      // root may write anywhere, so the check only means something for an ordinary user.
      assumeTrue(
          !Files.isWritable(locked), "running as a user who can write read-only directories");
      AccessDeniedException e =
          assertThrows(
              AccessDeniedException.class,
              () -> Png.write(allGreys(), locked.resolve("result.png")));
      assertTrue(e.getMessage().contains(locked.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("not writable"), e.getMessage());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void failedRenameLeavesNoTemporaryFile() throws IOException {
    // A non-empty directory under the target name makes the final rename fail.
    Path target = Files.createDirectory(dir.resolve("result.png"));
    Files.writeString(target.resolve("keep"), "x");

    IOException e = assertThrows(IOException.class, () -> Png.write(allGreys(), target));
    assertTrue(e.getMessage().startsWith("cannot write " + target), e.getMessage());
    assertEquals(List.of(target), listing(dir), "temporary file removed");
  }

  @Test
  void readRejectsNonImages() throws IOException {
    Path text = Files.writeString(dir.resolve("x.png"), "not a png");
    IOException e = assertThrows(IOException.class, () -> Png.read(text));
    assertTrue(e.getMessage().contains("x.png"), e.getMessage());
    assertThrows(NoSuchFileException.class, () -> Png.read(dir.resolve("absent.png")));
  }
}
