package dev.cgan.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Temp-file-then-rename, so that a reader never sees half a file and a failure leaves at worst a
 * stray temp file, never a truncated target.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Produces the file's bytes. */
  @FunctionalInterface
  interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * A temp file next to {@code target}: the same directory, so the final rename stays on one file
   * system and can be atomic. The leading dot keeps it out of casual directory listings.
   */
  static Path tempFileFor(Path target, String suffix) throws IOException {
    Path dir = directoryOf(target);
    Files.createDirectories(dir);
    return Files.createTempFile(dir, "." + target.getFileName() + ".", suffix);
  }

  static Path directoryOf(Path target) {
    Path parent = target.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException("not a file path: " + target);
    }
    return parent;
  }

  /** Flushes {@code temp} to disk, then renames it over {@code target}. */
  static void commit(Path temp, Path target) throws IOException {
    // Without the force, a power cut just after the rename can leave an empty target.
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes {@code target} through a temp file; on any failure the temp file is removed. */
  static void write(Path target, Writer writer) throws IOException {
    Path temp = tempFileFor(target, ".tmp");
    boolean done = false;
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
        writer.writeTo(out);
      }
      commit(temp, target);
      done = true;
    } finally {
      if (!done) {
        deleteQuietly(temp);
      }
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Best effort: the caller is already reporting the failure that got us here.
    }
  }
}
