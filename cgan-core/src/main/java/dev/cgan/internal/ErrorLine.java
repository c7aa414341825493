package dev.cgan.internal;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** A failure as one line for a person: what a command-line front end prints after "error: ". */
public final class ErrorLine {
  private ErrorLine() {}

  /**
   * One line that names the culprit. The JDK's file system exceptions often carry only a path
   * ("/data/x"), their type being the reason, so the type is put into words; TensorFlow's messages
   * trail a multi-line context, of which the first line is the one that matters.
   */
  public static String of(Throwable e) {
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      // "run/x: Not a directory" when it is "run" that is a file: name the file in the way.
      Path inTheWay = fileInTheWay(Path.of(fs.getFile()));
      if (inTheWay != null) {
        return fs.getFile() + ": " + inTheWay + " is a file, where a folder was expected";
      }
    }
    if (e instanceof FileSystemException fs && fs.getReason() == null && fs.getFile() != null) {
      String paths = fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
      // Only the JDK's bare form; subclasses that word their own message keep it.
      if (paths.equals(fs.getMessage())) {
        return paths + ": " + meaning(fs);
      }
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.toString();
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /** The nearest existing ancestor of {@code file}, if it is not a folder. */
  private static Path fileInTheWay(Path file) {
    for (Path p = file.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        return Files.isDirectory(p) ? null : p;
      }
    }
    return null;
  }

  private static String meaning(FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "not a folder";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    return e.getClass().getSimpleName();
  }
}
