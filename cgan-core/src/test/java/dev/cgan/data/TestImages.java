package dev.cgan.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Writes the images the image-folder tests read, and snapshots folders to compare. */
final class TestImages {
  private TestImages() {}

  /** A w × h image of {@code type} filled with {@code background} and a shape of {@code colour}. */
  static BufferedImage shape(String kind, int w, int h, Color colour, int type) {
    BufferedImage img = new BufferedImage(w, h, type);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, w, h);
    g.setColor(colour);
    int m = Math.min(w, h) / 5;
    switch (kind) {
      case "circle" -> g.fillOval(m, m, w - 2 * m, h - 2 * m);
      case "square" -> g.fillRect(m, m, w - 2 * m, h - 2 * m);
      default -> g.fillPolygon(new int[] {w / 2, m, w - m}, new int[] {m, h - m, h - m}, 3);
    }
    g.dispose();
    return img;
  }

  static Path write(BufferedImage img, String format, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(img, format, file.toFile())) {
      throw new IOException("no " + format + " writer for " + img);
    }
    return file;
  }

  static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An RGBA image from rows of 0xAARRGGBB. */
  static BufferedImage argb(int[][] rows) {
    BufferedImage img = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < rows[y].length; x++) {
        img.setRGB(x, y, rows[y][x]);
      }
    }
    return img;
  }

  /** A grey 8-bit image from rows of values. */
  static BufferedImage grey(int[][] rows) {
    BufferedImage img =
        new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < rows.length; y++) {
      img.getRaster().setPixels(0, y, rows[y].length, 1, rows[y]);
    }
    return img;
  }

  /**
   * A valid PNG whose header declares {@code w} × {@code h} grey pixels but whose data is a few
   * bytes: a decompression bomb's header without the bomb.
   */
  static byte[] pngDeclaring(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, w);
    putInt(ihdr, 4, h);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 0; // grey
    chunk(out, "IHDR", ihdr);
    Deflater d = new Deflater();
    d.setInput(new byte[1024]);
    d.finish();
    byte[] buf = new byte[256];
    int n = d.deflate(buf);
    chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] len = new byte[4];
    putInt(len, 0, data.length);
    out.writeBytes(len);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.writeBytes(c);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /**
   * Every entry under {@code dir} (links not followed) with its size, modification time and, for
   * files, content hash: equal snapshots mean nothing was added, removed or changed.
   */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a =
            Files.readAttributes(
                p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        String content =
            a.isRegularFile() && Files.isReadable(p)
                ? Sha256.of(p)
                : a.isSymbolicLink() ? "link" : "";
        m.put(dir.relativize(p).toString(), a.size() + " " + a.lastModifiedTime() + " " + content);
      }
    }
    return m;
  }
}
