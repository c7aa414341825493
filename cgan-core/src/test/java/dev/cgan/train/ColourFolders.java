package dev.cgan.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Folders of coloured shapes that the image-folder tests train on: one subfolder per shape, images
 * of odd sizes (not square, not the network's), in random saturated colours, PNG and JPEG mixed.
 */
public final class ColourFolders {
  private ColourFolders() {}

  /** The classes, in the order a listing sorts them. */
  public static final String[] SHAPES = {"circle", "square", "triangle"};

  /** Writes {@code perClass} images of every shape into {@code dir} (created); returns it. */
  public static Path write(Path dir, int perClass, long seed) throws IOException {
    Random random = new Random(seed);
    for (String shape : SHAPES) {
      Path classDir = Files.createDirectories(dir.resolve(shape));
      for (int i = 0; i < perClass; i++) {
        int w = 13 + random.nextInt(12), h = 11 + random.nextInt(12);
        Color colour = Color.getHSBColor(random.nextFloat(), 0.8f, 0.95f);
        BufferedImage img = shape(shape, w, h, colour);
        String format = i % 4 == 3 ? "jpg" : "png";
        ImageIO.write(img, format, classDir.resolve(String.format("%03d.%s", i, format)).toFile());
      }
    }
    return dir;
  }

  static BufferedImage shape(String kind, int w, int h, Color colour) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(20, 20, 40));
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

  /**
   * Every entry under {@code dir} with its size, modification time and content hash: equal
   * snapshots mean nothing in the folder was added, removed or changed.
   */
  public static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String content = a.isRegularFile() ? sha256(p) : "";
        m.put(dir.relativize(p).toString(), a.size() + " " + a.lastModifiedTime() + " " + content);
      }
    }
    return m;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(in.readAllBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether some pixel of {@code img} has red, green and blue that differ. */
  public static boolean hasColour(BufferedImage img) {
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
        if (Math.abs(r - g) > 8 || Math.abs(g - b) > 8) {
          return true;
        }
      }
    }
    return false;
  }
}
