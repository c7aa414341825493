package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxFileTest {
  @TempDir Path dir;

  private static byte[] ramp(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  /** A raw IDX file from a literal header and payload, for malformed cases. */
  private static byte[] idx(int magic, int[] dims, int payloadBytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payloadBytes);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.array();
  }

  private static String readError(byte[] bytes) {
    return assertThrows(
            InvalidDataException.class,
            () -> IdxFile.read(new ByteArrayInputStream(bytes), "x.idx"))
        .getMessage();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void roundTripThroughFile(boolean gzip) throws IOException {
    byte[] data = ramp(5 * 3 * 4);
    Path file = dir.resolve(gzip ? "images.gz" : "images");
    IdxWriter.writeUbyte(file, data, new int[] {5, 3, 4}, gzip);

    byte[] head = Arrays.copyOf(Files.readAllBytes(file), 2);
    assertEquals(gzip, head[0] == (byte) 0x1f && head[1] == (byte) 0x8b);
    IdxFile read = IdxFile.read(file);
    assertEquals(IdxFile.Type.UBYTE, read.type());
    assertArrayEquals(new int[] {5, 3, 4}, read.dims());
    assertArrayEquals(data, read.ubytes());
    assertEquals(file.toString(), read.source());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temp file left behind");
    }
  }

  @Test
  void gzipIsDetectedByContentNotName() throws IOException {
    byte[] data = ramp(10);
    Path gzNoSuffix = dir.resolve("labels");
    Path rawWithSuffix = dir.resolve("labels.gz");
    IdxWriter.writeUbyte(gzNoSuffix, data, new int[] {10}, true);
    IdxWriter.writeUbyte(rawWithSuffix, data, new int[] {10}, false);
    assertArrayEquals(data, IdxFile.read(gzNoSuffix).ubytes());
    assertArrayEquals(data, IdxFile.read(rawWithSuffix).ubytes());
  }

  @Test
  void writeReplacesExistingFileAndCreatesParents() throws IOException {
    Path file = dir.resolve("a/b/labels");
    IdxWriter.writeUbyte(file, new byte[] {1, 2}, new int[] {2}, false);
    IdxWriter.writeUbyte(file, new byte[] {3, 4, 5}, new int[] {3}, false);
    assertArrayEquals(new byte[] {3, 4, 5}, IdxFile.read(file).ubytes());
  }

  @Test
  void writeRejectsDimsThatDisagreeWithData() {
    assertThrows(
        IllegalArgumentException.class,
        () -> IdxWriter.writeUbyte(dir.resolve("x"), new byte[5], new int[] {2, 3}, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> IdxWriter.encodeUbyte(new byte[0], new int[] {0}, false));
    assertTrue(Files.notExists(dir.resolve("x")));
  }

  @Test
  void readsOtherElementTypesButUbytesRefusesThem() throws IOException {
    byte[] bytes = idx(0x00000C02, new int[] {2, 1}, 8);
    ByteBuffer.wrap(bytes, 12, 8).putInt(-5).putInt(70000);
    IdxFile f = IdxFile.read(new ByteArrayInputStream(bytes), "ints.idx");
    assertEquals(IdxFile.Type.INT, f.type());
    assertEquals(-5, f.payload().getInt(0));
    assertEquals(70000, f.payload().getInt(4));
    InvalidDataException e = assertThrows(InvalidDataException.class, f::ubytes);
    assertEquals("ints.idx: expected ubyte elements, found int", e.getMessage());
    e = assertThrows(InvalidDataException.class, () -> f.requireUbyte(1, "[N]"));
    assertEquals(
        "ints.idx: expected a 1-dim ubyte IDX file [N], found 2-dim int [2, 1]", e.getMessage());
  }

  @Test
  void wrongMagic() {
    byte[] bytes = idx(0x12345678, new int[] {}, 0);
    assertEquals(
        "x.idx: expected IDX magic 0x0000TTNN (two zero bytes, type, number of dims), found"
            + " 0x12345678",
        readError(bytes));
  }

  @Test
  void unknownElementType() {
    String msg = readError(idx(0x00000701, new int[] {1}, 1));
    assertTrue(
        msg.startsWith(
            "x.idx: unknown IDX element type 0x07 in magic 0x00000701, expected one of 0x08"
                + " ubyte,"),
        msg);
  }

  @Test
  void badDimensionCountOrSize() {
    assertEquals(
        "x.idx: IDX header has 0 dimensions, expected 1 to 4",
        readError(idx(0x00000800, new int[] {}, 0)));
    assertEquals(
        "x.idx: IDX header has 5 dimensions, expected 1 to 4",
        readError(idx(0x00000805, new int[] {1, 1, 1, 1, 1}, 1)));
    assertEquals(
        "x.idx: dimension 1 of 2 is 0, expected a positive size up to 2147483647",
        readError(idx(0x00000802, new int[] {3, 0}, 0)));
    assertTrue(
        readError(idx(0x00000801, new int[] {-1}, 0)).contains("dimension 0 of 1 is 4294967295"));
    assertTrue(
        readError(idx(0x00000803, new int[] {100000, 100000, 100000}, 0))
            .contains("more than the 2147483639 bytes that can be loaded"));
  }

  @Test
  void truncatedHeader() {
    assertEquals("x.idx: empty file, expected an IDX header", readError(new byte[0]));
    assertEquals(
        "x.idx: truncated header: expected a 4-byte IDX magic number, found 3 bytes",
        readError(new byte[] {0, 0, 8}));
    assertEquals(
        "x.idx: truncated header: expected 3 dimension sizes (12 bytes), found 5 bytes",
        readError(Arrays.copyOf(idx(0x00000803, new int[] {1, 1, 1}, 0), 9)));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void payloadShorterThanHeaderSays(boolean gzip) {
    byte[] full = IdxWriter.encodeUbyte(ramp(3 * 28 * 28), new int[] {3, 28, 28}, false);
    byte[] shortened = Arrays.copyOf(full, full.length - 1000);
    byte[] bytes = gzip ? gzip(shortened) : shortened;
    assertEquals(
        "x.idx: header says 3x28x28 ubyte = 2352 bytes, found 1352 (truncated?)", readError(bytes));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void payloadLongerThanHeaderSays(boolean gzip) {
    byte[] full = IdxWriter.encodeUbyte(ramp(6), new int[] {2, 3}, false);
    byte[] longer = Arrays.copyOf(full, full.length + 5);
    byte[] bytes = gzip ? gzip(longer) : longer;
    assertEquals(
        "x.idx: header says 2x3 ubyte = 6 bytes, found 11 (5 trailing bytes)", readError(bytes));
  }

  @Test
  void truncatedGzip() throws IOException {
    byte[] gz = IdxWriter.encodeUbyte(ramp(1000), new int[] {10, 100}, true);
    Path file = dir.resolve("cut.gz");
    Files.write(file, Arrays.copyOf(gz, gz.length / 2));
    InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxFile.read(file));
    assertTrue(e.getMessage().startsWith(file + ": truncated gzip data"), e.getMessage());
    assertEquals(file.toString(), e.source());

    // Cut inside the 8-byte trailer: all data decoded, but the CRC and length are missing.
    byte[] noTrailer = Arrays.copyOf(gz, gz.length - 3);
    assertTrue(readError(noTrailer).startsWith("x.idx: truncated gzip data"));
  }

  @Test
  void corruptGzip() {
    byte[] gz = IdxWriter.encodeUbyte(ramp(1000), new int[] {1000}, true);
    gz[gz.length - 6] ^= 0x55; // inside the CRC32
    assertTrue(readError(gz).startsWith("x.idx: corrupt gzip data"), readError(gz));
  }

  /**
   * The header is read without the elements: a gzip file that declares 1 GiB and stops after a few
   * bytes gives its header, and only reading it whole finds it truncated.
   */
  @Test
  void theHeaderIsReadWithoutInflatingTheElements() throws IOException {
    byte[] head = idx(0x00000803, new int[] {1024, 1024, 1024}, 0);
    byte[] body = new byte[1 << 18];
    new java.util.Random(1).nextBytes(body);
    byte[] both = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, both, head.length, body.length);
    byte[] whole = gzip(both);
    Path file = dir.resolve("declares-1gib.gz");
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));
    IdxHeader h = IdxFile.readHeader(file);
    assertEquals(IdxFile.Type.UBYTE, h.type());
    assertArrayEquals(new int[] {1024, 1024, 1024}, h.dims());
    assertEquals(1L << 30, h.payloadBytes());
    InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxFile.read(file));
    assertTrue(e.getMessage().startsWith(file + ": truncated gzip data"), e.getMessage());
  }

  /**
   * A gzip body that inflates beyond what its header declares is an error naming the file, found
   * after at most {@link IdxFile#TRAILING_COUNTED} more bytes: this body never ends.
   */
  @Test
  void aGzipBodyThatGoesOnPastItsHeaderIsRefusedWithoutInflatingItAll() {
    InputStream endless = endlessGzip(IdxWriter.encodeUbyte(ramp(6), new int[] {2, 3}, false));
    InvalidDataException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> assertThrows(InvalidDataException.class, () -> IdxFile.read(endless, "x.gz")));
    assertEquals(
        "x.gz: header says 2x3 ubyte = 6 bytes, found more than "
            + (6 + IdxFile.TRAILING_COUNTED)
            + " (stopped reading there)",
        e.getMessage());
  }

  /** gzip of {@code head} followed by zeros without end, made from one repeated deflate block. */
  private static InputStream endlessGzip(byte[] head) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
    byte[] buf = new byte[1 << 20];
    d.setInput(head);
    int a = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
    byte[] first = Arrays.copyOf(buf, a);
    // Zeros after zeros: a block that only refers back to zeros decodes the same after itself,
    // and a sync flush ends it on a byte boundary.
    d.setInput(new byte[1 << 16]);
    d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
    d.setInput(new byte[1 << 16]);
    int b = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
    byte[] zeros = Arrays.copyOf(buf, b);
    d.end();
    byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    return new InputStream() {
      private long at;

      @Override
      public int read() {
        long first0 = header.length + first.length;
        int v;
        if (at < header.length) {
          v = header[(int) at];
        } else if (at < first0) {
          v = first[(int) (at - header.length)];
        } else {
          v = zeros[(int) ((at - first0) % zeros.length)];
        }
        at++;
        return v & 0xFF;
      }
    };
  }

  /**
   * An allocation that still fails (here: a 64 MiB file in a JVM of 32 MiB) is one line naming the
   * file, not an OutOfMemoryError. Run in a JVM of its own, started with that heap.
   */
  @Test
  void runningOutOfHeapWhileLoadingIsOneLineNamingTheFile() throws Exception {
    Path file = dir.resolve("64mib.gz");
    IdxWriter.writeUbyte(file, new byte[64 << 20], new int[] {64, 1024, 1024}, true);
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m",
                "-cp",
                System.getProperty("java.class.path"),
                ReadInASmallHeap.class.getName(),
                file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    assertTrue(
        out.matches(
            java.util.regex.Pattern.quote(
                    file
                        + ": out of Java heap loading 64x1024x1024 ubyte (64 MiB); this JVM may use ")
                + "\\d+ MiB of heap \\(raise it with -Xmx\\)"),
        out);
  }

  /** Reads the IDX file named by its argument; prints the exception's message. */
  static final class ReadInASmallHeap {
    public static void main(String[] args) {
      try {
        IdxFile.read(Path.of(args[0]));
        System.out.println("read it");
      } catch (IOException e) {
        System.out.println(e.getMessage());
      }
    }
  }

  private static byte[] gzip(byte[] raw) {
    var buf = new java.io.ByteArrayOutputStream();
    try (var z = new java.util.zip.GZIPOutputStream(buf)) {
      z.write(raw);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return buf.toByteArray();
  }
}
