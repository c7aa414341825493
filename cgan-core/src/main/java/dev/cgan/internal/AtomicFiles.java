package dev.cgan.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one place that replaces files and folders: a temporary file or folder next to the target,
 * renamed over it, so that a reader never sees half of it and a failure leaves at worst a hidden
 * temporary file, never a truncated target.
 *
 * <p>What {@link #write} does with an existing target, so that nothing the user did not ask for is
 * destroyed: a regular file is replaced atomically; a symbolic link is followed and the file it
 * points to is replaced (the link stays); a FIFO or a device is written through, in place (a rename
 * would replace the device node by a plain file); a folder is refused.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Produces a file's bytes. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code target} as the class comment says; on failure no temporary file is left. */
  public static void write(Path target, Writer writer) throws IOException {
    Path file = target;
    if (Files.isSymbolicLink(file)) {
      file = resolveLink(target);
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      if (Files.isDirectory(file)) {
        throw new IOException(
            "cannot write " + target + ": it is a folder, where a file was expected");
      }
      // A FIFO, a character or block device: writing through is what `> file` does in a shell.
      try (OutputStream out =
          Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        writer.writeTo(out);
      }
      return;
    }
    Path temp = tempSibling(file, ".tmp");
    boolean done = false;
    try {
      try (OutputStream out =
          new BufferedOutputStream(
              Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW), 1 << 16)) {
        writer.writeTo(out);
      }
      // Without the force, a power cut just after the rename can leave an empty target.
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      move(temp, file);
      done = true;
    } finally {
      if (!done) {
        deleteQuietly(temp);
      }
    }
  }

  /** {@link #write} of a byte array. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /** A hidden name next to {@code target} that does not exist yet (same file system). */
  public static Path tempSibling(Path target, String suffix) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || abs.getFileName() == null) {
      throw new IllegalArgumentException("not a file path: " + target);
    }
    return dir.resolve(
        "."
            + abs.getFileName()
            + "."
            + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)
            + suffix);
  }

  /**
   * Puts the finished folder {@code staged} in the place of {@code target}, so that the path holds
   * the old folder or the new one at every moment, a kill included: a new target is a rename; an
   * existing one is exchanged with {@code staged} in one step ({@code renameat2(RENAME_EXCHANGE)})
   * and the old content, now at {@code staged}, is deleted after. Where the system cannot exchange
   * (not Linux, or a file system without it) the old folder is renamed aside first, which leaves a
   * moment with nothing at the path. The caller decides that {@code target} may be replaced.
   */
  public static void replaceDirectory(Path staged, Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    if (DirectoryExchange.exchange(staged, target)) {
      deleteRecursively(staged);
      return;
    }
    Path old = tempSibling(target, ".old");
    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
      throw e;
    }
    deleteRecursively(old);
  }

  /**
   * The hidden siblings that {@link #tempSibling}{@code (target, suffix)} names, for any of the
   * suffixes: what a killed writer of {@code target} left behind.
   */
  public static List<Path> leftovers(Path target, String... suffixes) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (dir == null || abs.getFileName() == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    String alternatives =
        Arrays.stream(suffixes).map(Pattern::quote).collect(Collectors.joining("|"));
    Pattern ours =
        Pattern.compile(
            "\\."
                + Pattern.quote(abs.getFileName().toString())
                + "\\.[0-9a-f]{1,16}(?:"
                + alternatives
                + ")");
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> ours.matcher(p.getFileName().toString()).matches())
          .sorted()
          .toList();
    }
  }

  /** Renames {@code from} over {@code to}, atomically where the file system can. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so only unusual file systems get here; a plain replace still beats
      // refusing to write.
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Deletes a file or a folder tree that this program created (a temporary export, a staged
   * folder); links inside are removed, never followed.
   */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(q);
      }
    }
  }

  /** Best effort, for the clean-up after another failure that is being reported. */
  public static void deleteQuietly(Path p) {
    try {
      deleteRecursively(p);
    } catch (IOException ignored) {
      // The failure being reported matters more; a stray temporary file is harmless.
    }
  }

  private static Path resolveLink(Path link) throws IOException {
    try {
      return link.toRealPath();
    } catch (NoSuchFileException e) {
      // A dangling link: write the file it names, which the user made the link for.
      Path to = Files.readSymbolicLink(link);
      Path parent = link.toAbsolutePath().getParent();
      return parent == null ? to : parent.resolve(to);
    }
  }
}
