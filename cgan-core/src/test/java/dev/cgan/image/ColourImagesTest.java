package dev.cgan.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RGB tiles, their PNGs and GIFs: every byte kept in PNG, the nearest palette colour in GIF. */
class ColourImagesTest {
  @TempDir Path dir;

  /** n RGB images of h × w, HWC, from a fixed seed; {@code levels} values per channel. */
  private static byte[] rgb(int n, int h, int w, int levels, long seed) {
    Random r = new Random(seed);
    byte[] px = new byte[n * h * w * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (r.nextInt(levels) * (255 / Math.max(1, levels - 1)));
    }
    return px;
  }

  @Test
  void aColourGridKeepsEveryByteThroughPng() throws IOException {
    byte[] px = rgb(6, 5, 7, 256, 1);
    BufferedImage grid = Tiles.grid(px, 2, 3, 5, 7, 3);
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, grid.getType());
    assertEquals(21, grid.getWidth());
    assertEquals(10, grid.getHeight());
    // Tile 4 (row 1, column 1), pixel (2, 3): RGB at ((4 * 5 + 2) * 7 + 3) * 3.
    int at = ((4 * 5 + 2) * 7 + 3) * 3;
    int rgb = grid.getRGB(7 + 3, 5 + 2);
    assertEquals(px[at] & 0xFF, rgb >> 16 & 0xFF);
    assertEquals(px[at + 1] & 0xFF, rgb >> 8 & 0xFF);
    assertEquals(px[at + 2] & 0xFF, rgb & 0xFF);
    Path file = dir.resolve("grid.png");
    Png.write(grid, file);
    BufferedImage back = Png.read(file);
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 21; x++) {
        assertEquals(grid.getRGB(x, y), back.getRGB(x, y));
      }
    }
    byte[] one = Tiles.pixels(Tiles.strip(java.util.Arrays.copyOf(px, 105), 1, 5, 7, 3));
    assertArrayEquals(java.util.Arrays.copyOf(px, 5 * 7 * 3), one, "pixels() inverts strip()");
    assertEquals(3, Tiles.channels(grid));
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, Tiles.column(List.of(grid, grid)).getType());
  }

  @Test
  void aGifOfFewColoursKeepsThemExactly() throws IOException {
    // 3 levels per channel: 27 colours, fewer than a palette holds.
    List<BufferedImage> frames = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      frames.add(Tiles.strip(rgb(2, 8, 8, 3, k), 2, 8, 8, 3));
    }
    List<BufferedImage> back = read(Gif.encode(frames, 5));
    assertEquals(3, back.size());
    for (int k = 0; k < 3; k++) {
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 16; x++) {
          assertEquals(frames.get(k).getRGB(x, y), back.get(k).getRGB(x, y), "frame " + k);
        }
      }
    }
  }

  @Test
  void aGifOfManyColoursTakesTheNearestOfAMedianCutPalette() throws IOException {
    // Smooth gradients: 1,024 colours in all, more than a GIF holds.
    byte[] px = new byte[32 * 32 * 3];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        px[(y * 32 + x) * 3] = (byte) (x * 8);
        px[(y * 32 + x) * 3 + 1] = (byte) (y * 8);
        px[(y * 32 + x) * 3 + 2] = (byte) ((x + y) * 4);
      }
    }
    BufferedImage frame = Tiles.strip(px, 1, 32, 32, 3);
    byte[] gif = Gif.encode(List.of(frame, frame), 10);
    assertArrayEquals(gif, Gif.encode(List.of(frame, frame), 10), "the same pixels, the same GIF");
    BufferedImage back = read(gif).get(0);
    double error = 0;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        int a = frame.getRGB(x, y), b = back.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          int d = Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF));
          assertTrue(d <= 24, "pixel " + x + "," + y + " is off by " + d);
          error += d;
        }
      }
    }
    assertTrue(error / (32 * 32 * 3) < 6, "mean error " + error / (32 * 32 * 3));
  }

  @Test
  void framesOfMixedTypesAreRefused() {
    BufferedImage grey = Tiles.strip(new byte[64], 1, 8, 8, 1);
    BufferedImage colour = Tiles.strip(new byte[192], 1, 8, 8, 3);
    assertThrows(IllegalArgumentException.class, () -> Gif.encode(List.of(grey, colour), 5));
    assertThrows(IllegalArgumentException.class, () -> Tiles.column(List.of(grey, colour)));
  }

  private static List<BufferedImage> read(byte[] gif) throws IOException {
    List<BufferedImage> frames = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      for (int i = 0; i < reader.getNumImages(true); i++) {
        frames.add(reader.read(i));
      }
      reader.dispose();
    }
    return frames;
  }
}
