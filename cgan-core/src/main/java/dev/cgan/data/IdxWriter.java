package dev.cgan.data;

import dev.cgan.internal.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Writes unsigned-byte IDX files, the format {@link IdxFile} reads. */
public final class IdxWriter {
  private IdxWriter() {}

  /**
   * Writes unsigned bytes as an IDX file through a temp file in the same directory and an atomic
   * rename, so no reader ever sees a partial file. Creates missing parent directories and replaces
   * an existing file.
   *
   * @param path the file to write
   * @param data the elements, row-major; {@code data.length} must equal the product of dims
   * @param dims the dimensions, 1 to {@link IdxFile#MAX_DIMS} of them, each positive
   * @param gzip whether to gzip-compress (the header's mtime is zero, so output is reproducible)
   * @throws IllegalArgumentException if dims and data disagree
   * @throws IOException if writing fails; the target is then left untouched
   */
  public static void writeUbyte(Path path, byte[] data, int[] dims, boolean gzip)
      throws IOException {
    checkShape(data, dims);
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    AtomicFiles.write(path, out -> writeUbyte(out, data, dims, gzip));
  }

  /**
   * Writes unsigned bytes in IDX format to a stream, which is flushed but not closed.
   *
   * @param out where to write
   * @param data the elements, row-major; {@code data.length} must equal the product of dims
   * @param dims the dimensions, 1 to {@link IdxFile#MAX_DIMS} of them, each positive
   * @param gzip whether to gzip-compress
   * @throws IllegalArgumentException if dims and data disagree
   * @throws IOException if the stream fails
   */
  public static void writeUbyte(OutputStream out, byte[] data, int[] dims, boolean gzip)
      throws IOException {
    checkShape(data, dims);
    if (gzip) {
      // Closing the gzip stream frees its native deflater; the caller's stream stays open.
      try (GZIPOutputStream z = new GZIPOutputStream(nonClosing(out), 1 << 16)) {
        writeRaw(z, data, dims);
      }
    } else {
      writeRaw(out, data, dims);
    }
    out.flush();
  }

  /**
   * The bytes of an unsigned-byte IDX file, for tests and for serving small files.
   *
   * @param data the elements, row-major; {@code data.length} must equal the product of dims
   * @param dims the dimensions, 1 to {@link IdxFile#MAX_DIMS} of them, each positive
   * @param gzip whether to gzip-compress
   * @return the whole file
   * @throws IllegalArgumentException if dims and data disagree
   */
  public static byte[] encodeUbyte(byte[] data, int[] dims, boolean gzip) {
    var buf = new ByteArrayOutputStream(data.length + 32);
    try {
      writeUbyte(buf, data, dims, gzip);
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory write failed", e);
    }
    return buf.toByteArray();
  }

  private static void writeRaw(OutputStream out, byte[] data, int[] dims) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeByte(0);
    d.writeByte(0);
    d.writeByte(IdxFile.Type.UBYTE.code());
    d.writeByte(dims.length);
    for (int dim : dims) {
      d.writeInt(dim);
    }
    d.write(data);
    d.flush();
  }

  private static void checkShape(byte[] data, int[] dims) {
    if (dims.length < 1 || dims.length > IdxFile.MAX_DIMS) {
      throw new IllegalArgumentException(
          "expected 1 to " + IdxFile.MAX_DIMS + " dims, got " + dims.length);
    }
    long n = 1;
    for (int d : dims) {
      if (d <= 0) {
        throw new IllegalArgumentException("dims must be positive, got " + Arrays.toString(dims));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "dims " + Arrays.toString(dims) + " hold " + n + " elements but data has " + data.length);
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
