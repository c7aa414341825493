package dev.cgan.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What writing a file does to what is already there. */
class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void aRegularFileIsReplacedWholeAndNoTemporaryFileIsLeft() throws Exception {
    Path f = tmp.resolve("out.png");
    Files.writeString(f, "old");
    AtomicFiles.write(f, "new".getBytes(StandardCharsets.UTF_8));
    assertEquals("new", Files.readString(f));
    assertEquals(List.of("out.png"), names(tmp));
  }

  @Test
  void aFailingWriterLeavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path f = tmp.resolve("out.png");
    Files.writeString(f, "old");
    assertThrows(
        IOException.class,
        () ->
            AtomicFiles.write(
                f,
                out -> {
                  out.write(1);
                  throw new IOException("disk full");
                }));
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("out.png"), names(tmp));
  }

  @Test
  void aSymbolicLinkIsWrittenThroughAndStaysALink() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("real")).resolve("picture.png");
    Files.writeString(target, "old");
    Path link = Files.createSymbolicLink(tmp.resolve("link.png"), target);
    AtomicFiles.write(link, "new".getBytes(StandardCharsets.UTF_8));
    assertTrue(Files.isSymbolicLink(link));
    assertEquals("new", Files.readString(target));
    assertEquals(List.of("picture.png"), names(target.getParent()));
  }

  @Test
  void aFifoIsWrittenThroughNotReplaced() throws Exception {
    Path fifo = tmp.resolve("pipe");
    assumeTrue(run("mkfifo", fifo.toString()), "mkfifo is not available");
    CompletableFuture<byte[]> read =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    AtomicFiles.write(fifo, "through".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals("through".getBytes(StandardCharsets.UTF_8), read.get(30, TimeUnit.SECONDS));
    assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the FIFO is still a FIFO");
    assertEquals(List.of("pipe"), names(tmp));
  }

  @Test
  void aFolderIsRefusedAndLeftAsItIs() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("out.png"));
    Files.writeString(dir.resolve("mine.txt"), "mine");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(dir, new byte[] {1}));
    assertEquals(
        "cannot write " + dir + ": it is a folder, where a file was expected", e.getMessage());
    assertEquals("mine", Files.readString(dir.resolve("mine.txt")));
  }

  @Test
  void replaceDirectoryPutsTheStagedFolderInPlaceOfTheOld() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("export"));
    Files.writeString(target.resolve("old.txt"), "old");
    Path staged = Files.createDirectories(tmp.resolve(".staged"));
    Files.writeString(staged.resolve("new.txt"), "new");
    Files.writeString(tmp.resolve("sibling.txt"), "untouched");
    AtomicFiles.replaceDirectory(staged, target);
    assertEquals(List.of("new.txt"), names(target));
    assertEquals(List.of("export", "sibling.txt"), names(tmp));
  }

  static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static boolean run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
