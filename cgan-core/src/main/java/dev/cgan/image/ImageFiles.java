package dev.cgan.image;

import dev.cgan.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The output rules every picture this package writes follows (PNG, GIF): the folder is checked
 * before anything is encoded, then the bytes go through {@link AtomicFiles#write(Path, byte[])}: a
 * new or regular file is replaced atomically, a symbolic link is written through to the file it
 * points to, a FIFO or device is written to in place, a folder is refused. Failures read as one
 * line that names the file.
 */
final class ImageFiles {
  private ImageFiles() {}

  /** Produces the encoded picture, once the target's folder has been found fit. */
  @FunctionalInterface
  interface Encoder {
    byte[] encode() throws IOException;
  }

  /**
   * @throws NoSuchFileException if the directory does not exist; the message names it
   * @throws NotDirectoryException if the parent path is not a directory
   * @throws AccessDeniedException if the directory is not writable
   * @throws IOException on any other failure; the message names {@code target}
   */
  static void write(Path target, Encoder encoder) throws IOException {
    Objects.requireNonNull(target, "target");
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    if (dir == null || file.getFileName() == null) {
      throw new IOException("cannot write " + target + ": not a file path");
    }
    String what = "cannot write " + target + ": ";
    // Checked up front so that a CLI user reads which directory is wrong, not an errno.
    if (!Files.exists(dir)) {
      throw new MissingDirectory(dir, what + "directory " + dir + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw new NotADirectory(dir, what + dir + " is not a directory");
    }
    if (!Files.isWritable(dir)) {
      throw new NotWritable(dir, what + "directory " + dir + " is not writable");
    }

    byte[] bytes = encoder.encode();
    try {
      AtomicFiles.write(target, bytes);
    } catch (IOException e) {
      if (e instanceof AccessDeniedException) {
        NotWritable denied = new NotWritable(dir, what + "directory " + dir + " is not writable");
        denied.initCause(e);
        throw denied;
      }
      if (e.getMessage() != null && e.getMessage().startsWith("cannot write ")) {
        throw e;
      }
      throw new IOException(what + detail(e), e);
    }
  }

  private static String detail(IOException e) {
    // A FileSystemException without a reason prints only its path; its type is the reason.
    if (e instanceof FileSystemException fs && fs.getReason() == null) {
      return fs.getMessage() + " (" + e.getClass().getSimpleName() + ")";
    }
    return e.getMessage();
  }

  // The JDK's file-system exceptions print as "file: reason"; these print the reason alone,
  // which already names the path, so a CLI can show getMessage() as one clear line.

  private static final class MissingDirectory extends NoSuchFileException {
    private static final long serialVersionUID = 1L;

    MissingDirectory(Path dir, String message) {
      super(dir.toString(), null, message);
    }

    @Override
    public String getMessage() {
      return getReason();
    }
  }

  private static final class NotADirectory extends NotDirectoryException {
    private static final long serialVersionUID = 1L;
    private final String message;

    NotADirectory(Path dir, String message) {
      super(dir.toString());
      this.message = message;
    }

    @Override
    public String getMessage() {
      return message;
    }
  }

  private static final class NotWritable extends AccessDeniedException {
    private static final long serialVersionUID = 1L;

    NotWritable(Path dir, String message) {
      super(dir.toString(), null, message);
    }

    @Override
    public String getMessage() {
      return getReason();
    }
  }
}
