package dev.cgan.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file (the MNIST container format): a header naming the element type and the dimensions,
 * then the elements, big-endian, row-major. Reads plain or gzip-compressed files, telling them
 * apart by the gzip magic bytes {@code 1f 8b} rather than by the file name.
 *
 * <p>Header layout: two zero bytes, one type byte, one byte with the number of dimensions, then one
 * big-endian int32 per dimension. Every element type of the format is parsed and length-checked;
 * {@link #ubytes()} gives the elements directly for {@link Type#UBYTE}, and {@link #payload()}
 * gives the raw big-endian bytes for any type.
 *
 * <p>Reading is strict, because a silently misread dataset surfaces much later as a GAN that "does
 * not train": the payload must be exactly as long as the header says, with no bytes missing and
 * none left over. Every failure is an {@link InvalidDataException} naming the file.
 */
public final class IdxFile {

  /** The element types of the IDX format, with their type byte and element size. */
  public enum Type {
    /** Unsigned 8-bit; what MNIST uses for both pixels and labels. */
    UBYTE(0x08, 1),
    /** Signed 8-bit. */
    BYTE(0x09, 1),
    /** Signed 16-bit, big-endian. */
    SHORT(0x0B, 2),
    /** Signed 32-bit, big-endian. */
    INT(0x0C, 4),
    /** IEEE 754 32-bit, big-endian. */
    FLOAT(0x0D, 4),
    /** IEEE 754 64-bit, big-endian. */
    DOUBLE(0x0E, 8);

    private final int code;
    private final int size;

    Type(int code, int size) {
      this.code = code;
      this.size = size;
    }

    /** The type byte in the header (third byte of the magic number). */
    public int code() {
      return code;
    }

    /** Bytes per element. */
    public int size() {
      return size;
    }

    /** Lower-case name as used in messages, e.g. {@code "ubyte"}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Type ofCode(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /** The largest number of dimensions accepted; real IDX files use 1 (labels) to 3 (images). */
  public static final int MAX_DIMS = 4;

  // Java arrays top out a little below Integer.MAX_VALUE.
  private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;

  private final String source;
  private final Type type;
  private final int[] dims;
  private final byte[] payload;

  private IdxFile(String source, Type type, int[] dims, byte[] payload) {
    this.source = source;
    this.type = type;
    this.dims = dims;
    this.payload = payload;
  }

  /**
   * Reads an IDX file, plain or gzip-compressed.
   *
   * @param path the file; messages name it as given
   * @return the parsed file
   * @throws InvalidDataException if the bytes are not a well-formed IDX file
   * @throws IOException if the file cannot be read
   */
  public static IdxFile read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString());
    }
  }

  /**
   * Reads an IDX file, plain or gzip-compressed, from a stream; reads it to the end (to check for
   * trailing bytes) and does not close it.
   *
   * @param in the bytes of the file
   * @param source what to call the file in error messages, e.g. its name or resource path
   * @return the parsed file
   * @throws InvalidDataException if the bytes are not a well-formed IDX file
   * @throws IOException if the stream fails
   */
  public static IdxFile read(InputStream in, String source) throws IOException {
    try {
      InputStream body = decoded(in);
      IdxHeader header = parseHeader(body, source);
      return new IdxFile(source, header.type(), header.dims(), readPayload(body, header));
    } catch (EOFException e) {
      throw new InvalidDataException(source, "truncated gzip data (" + e.getMessage() + ")", e);
    } catch (ZipException e) {
      throw new InvalidDataException(source, "corrupt gzip data (" + e.getMessage() + ")", e);
    }
  }

  /**
   * What the header of an IDX file (plain or gzip-compressed) declares, read without reading or
   * inflating its elements: what loading the file will allocate is known before it is allocated.
   *
   * @throws InvalidDataException if the header is malformed
   * @throws IOException if the file cannot be read
   */
  public static IdxHeader readHeader(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path);
        InputStream body = decoded(in)) {
      return parseHeader(body, path.toString());
    } catch (EOFException e) {
      throw new InvalidDataException(
          path.toString(), "truncated gzip data (" + e.getMessage() + ")", e);
    } catch (ZipException e) {
      throw new InvalidDataException(
          path.toString(), "corrupt gzip data (" + e.getMessage() + ")", e);
    }
  }

  /** The IDX bytes of {@code in}: inflated when they start with the gzip magic bytes. */
  private static InputStream decoded(InputStream in) throws IOException {
    PushbackInputStream peek = new PushbackInputStream(new BufferedInputStream(in, 1 << 16), 2);
    byte[] head = peek.readNBytes(2);
    peek.unread(head);
    boolean gzip = head.length == 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
    return gzip ? new GZIPInputStream(peek, 1 << 16) : peek;
  }

  private static IdxHeader parseHeader(InputStream in, String source) throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length == 0) {
      throw new InvalidDataException(source, "empty file, expected an IDX header");
    }
    if (magic.length < 4) {
      throw new InvalidDataException(
          source,
          "truncated header: expected a 4-byte IDX magic number, found " + magic.length + " bytes");
    }
    int magicValue = ByteBuffer.wrap(magic).getInt();
    if (magic[0] != 0 || magic[1] != 0) {
      throw new InvalidDataException(
          source,
          String.format(
              "expected IDX magic 0x0000TTNN (two zero bytes, type, number of dims), found 0x%08X",
              magicValue));
    }
    Type type = Type.ofCode(magic[2] & 0xFF);
    if (type == null) {
      throw new InvalidDataException(
          source,
          String.format(
              "unknown IDX element type 0x%02X in magic 0x%08X, expected one of %s",
              magic[2] & 0xFF,
              magicValue,
              Arrays.stream(Type.values())
                  .map(t -> String.format("0x%02X %s", t.code, t.label()))
                  .collect(Collectors.joining(", "))));
    }
    int rank = magic[3] & 0xFF;
    if (rank < 1 || rank > MAX_DIMS) {
      throw new InvalidDataException(
          source, "IDX header has " + rank + " dimensions, expected 1 to " + MAX_DIMS);
    }
    byte[] dimBytes = in.readNBytes(4 * rank);
    if (dimBytes.length < 4 * rank) {
      throw new InvalidDataException(
          source,
          "truncated header: expected "
              + rank
              + " dimension sizes ("
              + 4 * rank
              + " bytes), found "
              + dimBytes.length
              + " bytes");
    }
    ByteBuffer dimBuf = ByteBuffer.wrap(dimBytes);
    int[] dims = new int[rank];
    long expected = type.size;
    for (int i = 0; i < rank; i++) {
      // Sizes are unsigned in the format; anything past 2^31 cannot be loaded anyway.
      long d = Integer.toUnsignedLong(dimBuf.getInt());
      if (d == 0 || d > Integer.MAX_VALUE) {
        throw new InvalidDataException(
            source,
            "dimension "
                + i
                + " of "
                + rank
                + " is "
                + d
                + ", expected a positive size up to "
                + Integer.MAX_VALUE);
      }
      dims[i] = (int) d;
      expected *= d;
      if (expected > MAX_PAYLOAD) {
        throw new InvalidDataException(
            source,
            "header says "
                + describe(dims, i + 1, type)
                + ", more than the "
                + MAX_PAYLOAD
                + " bytes that can be loaded");
      }
    }
    return new IdxHeader(source, type, dims);
  }

  /**
   * Bytes past the end the header declares are counted up to this many: a gzip body can inflate to
   * far more than its file holds, and they are an error however many there are.
   */
  static final int TRAILING_COUNTED = 1 << 20;

  private static byte[] readPayload(InputStream in, IdxHeader header) throws IOException {
    String source = header.source();
    long expected = header.payloadBytes();
    String declared = describe(header.dims(), header.rank(), header.type());
    byte[] payload;
    try {
      payload = new byte[(int) expected];
    } catch (OutOfMemoryError e) {
      Runtime rt = Runtime.getRuntime();
      throw new IOException(
          source
              + ": out of Java heap loading "
              + declared
              + " ("
              + (expected >> 20)
              + " MiB); this JVM may use "
              + (rt.maxMemory() >> 20)
              + " MiB of heap (raise it with -Xmx)");
    }
    // Into the array itself: readNBytes(int) gathers chunks and then copies them, twice the heap.
    int read = in.readNBytes(payload, 0, payload.length);
    if (read < expected) {
      throw new InvalidDataException(
          source,
          "header says " + declared + " = " + expected + " bytes, found " + read + " (truncated?)");
    }
    if (in.read() != -1) {
      long extra = 1 + count(in, TRAILING_COUNTED);
      throw new InvalidDataException(
          source,
          "header says "
              + declared
              + " = "
              + expected
              + " bytes, found "
              + (extra > TRAILING_COUNTED
                  ? "more than " + (expected + TRAILING_COUNTED) + " (stopped reading there)"
                  : (expected + extra) + " (" + extra + " trailing bytes)"));
    }
    return payload;
  }

  /** Reads on until the end or past {@code limit} bytes; returns how many were read. */
  private static long count(InputStream in, long limit) throws IOException {
    byte[] buf = new byte[1 << 16];
    long n = 0;
    for (int r; n <= limit && (r = in.read(buf)) != -1; ) {
      n += r;
    }
    return n;
  }

  static String describe(int[] dims, int n, Type type) {
    return Arrays.stream(dims, 0, n).mapToObj(Integer::toString).collect(Collectors.joining("x"))
        + " "
        + type.label();
  }

  /** What error messages call this file: the path or resource name it was read from. */
  public String source() {
    return source;
  }

  /** The element type from the header. */
  public Type type() {
    return type;
  }

  /** The number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** The dimensions, outermost first; a copy. */
  public int[] dims() {
    return dims.clone();
  }

  /** The size of dimension {@code i}, outermost first. */
  public int dim(int i) {
    return dims[i];
  }

  /**
   * The elements of a {@link Type#UBYTE} file, row-major. Returns the array itself, not a copy,
   * since callers load it once into their own structure; do not modify it.
   *
   * @throws InvalidDataException if the file holds another element type
   */
  public byte[] ubytes() throws InvalidDataException {
    if (type != Type.UBYTE) {
      throw new InvalidDataException(source, "expected ubyte elements, found " + type.label());
    }
    return payload;
  }

  /** The raw elements for any type: a read-only, big-endian view of the payload. */
  public ByteBuffer payload() {
    return ByteBuffer.wrap(payload).asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
  }

  /**
   * Checks this is a {@link Type#UBYTE} file with {@code rank} dimensions.
   *
   * @param rank the number of dimensions wanted
   * @param shape how to describe the wanted shape in the message, e.g. {@code "[N, H, W]"}
   * @throws InvalidDataException naming the wanted and the found type and shape
   */
  public void requireUbyte(int rank, String shape) throws InvalidDataException {
    requireUbyte(source, type, dims, rank, shape);
  }

  static void requireUbyte(String source, Type type, int[] dims, int rank, String shape)
      throws InvalidDataException {
    if (type != Type.UBYTE || dims.length != rank) {
      throw new InvalidDataException(
          source,
          "expected a "
              + rank
              + "-dim ubyte IDX file "
              + shape
              + ", found "
              + dims.length
              + "-dim "
              + type.label()
              + " "
              + Arrays.toString(dims));
    }
  }

  @Override
  public String toString() {
    return "IdxFile[" + source + ", " + describe(dims, dims.length, type) + "]";
  }
}
