package dev.cgan.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Swaps two folders in one step with Linux's {@code renameat2(RENAME_EXCHANGE)}: a reader of either
 * path sees the old folder or the new one, never neither. Java has no call for it and a pair of
 * renames leaves a moment, and after a kill possibly for ever, with nothing at the path.
 */
final class DirectoryExchange {
  private static final int AT_FDCWD = -100;
  private static final int RENAME_EXCHANGE = 2;
  private static final int ENOSYS = 38, EINVAL = 22, EOPNOTSUPP = 95;

  /** glibc's wrapper (2.28 and later). */
  private interface LibC extends Library {
    int renameat2(int oldDir, String oldPath, int newDir, String newPath, int flags)
        throws LastErrorException;
  }

  private static final LibC LIBC = load();

  private DirectoryExchange() {}

  private static LibC load() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return null;
    }
    try {
      return Native.load("c", LibC.class);
    } catch (LinkageError | RuntimeException e) {
      // No JNA native part for this platform or no place to unpack it, or a libc without
      // renameat2: replacing falls back to two renames.
      return null;
    }
  }

  /**
   * Exchanges {@code a} and {@code b}, both existing, on one file system.
   *
   * @return false, having changed nothing, where the system cannot do it atomically (not Linux, a
   *     kernel or file system without RENAME_EXCHANGE)
   * @throws IOException for any other failure, with the system's reason
   */
  static boolean exchange(Path a, Path b) throws IOException {
    if (LIBC == null) {
      return false;
    }
    try {
      LIBC.renameat2(
          AT_FDCWD,
          a.toAbsolutePath().toString(),
          AT_FDCWD,
          b.toAbsolutePath().toString(),
          RENAME_EXCHANGE);
      return true;
    } catch (LinkageError e) {
      return false;
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) {
        return false;
      }
      throw new IOException(
          "cannot swap "
              + b
              + " for its replacement: "
              + e.getMessage().replaceFirst("^\\[\\d+\\] ", ""));
    }
  }

  /** Whether {@link #exchange} can work here at all (for tests and the docs' claim). */
  static boolean available() {
    return LIBC != null;
  }
}
