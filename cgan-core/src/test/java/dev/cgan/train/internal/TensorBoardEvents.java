package dev.cgan.train.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.tensorflow.proto.Event;

/**
 * Reads TensorBoard event files back for tests. An event file is a TFRecord file: each record is a
 * little-endian uint64 length, a uint32 masked CRC-32C of those 8 bytes, the data (one serialized
 * {@link Event}), and a uint32 masked CRC-32C of the data. Both checksums are verified.
 */
public final class TensorBoardEvents {
  private TensorBoardEvents() {}

  /** The event files of {@code dir}, in the name order TensorBoard reads them in. */
  public static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
          .sorted()
          .toList();
    }
  }

  /** Every event of one file, in file order. */
  static List<Event> read(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 12) {
        throw new IOException(file + ": torn record header at byte " + in.position());
      }
      int start = in.position();
      long length = in.getLong();
      checkCrc(file, in.array(), start, 8, in.getInt(), "length");
      if (length < 0 || length > in.remaining() - 4) {
        throw new IOException(file + ": record at byte " + start + " claims " + length + " bytes");
      }
      int dataStart = in.position();
      in.position(dataStart + (int) length);
      checkCrc(file, in.array(), dataStart, (int) length, in.getInt(), "data");
      events.add(Event.parseFrom(ByteBuffer.wrap(in.array(), dataStart, (int) length)));
    }
    return events;
  }

  /** The events of every file of {@code dir}, oldest file first. */
  public static List<Event> readAll(Path dir) throws IOException {
    List<Event> events = new ArrayList<>();
    for (Path f : files(dir)) {
      events.addAll(read(f));
    }
    return events;
  }

  private static void checkCrc(
      Path file, byte[] bytes, int offset, int length, int stored, String what) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int expected = mask((int) crc.getValue());
    if (expected != stored) {
      throw new IOException(
          String.format(
              "%s: bad %s checksum at byte %d: stored %08x, computed %08x",
              file, what, offset, stored, expected));
    }
  }

  /** TFRecord's masking, which keeps a CRC of data that itself holds CRCs well distributed. */
  private static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }
}
