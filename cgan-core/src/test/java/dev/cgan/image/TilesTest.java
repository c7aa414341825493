package dev.cgan.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import org.junit.jupiter.api.Test;

class TilesTest {

  /** Pixel value that encodes image i, row y, column x, so a wrong offset shows up. */
  private static int value(int i, int y, int x) {
    return (i * 37 + y * 5 + x * 3) & 0xff;
  }

  private static byte[] batch(int n, int h, int w) {
    byte[] pixels = new byte[n * h * w];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          pixels[(i * h + y) * w + x] = (byte) value(i, y, x);
        }
      }
    }
    return pixels;
  }

  @Test
  void stripPlacesImagesLeftToRight() {
    BufferedImage strip = Tiles.strip(batch(10, 32, 32), 10, 32, 32, 1);

    assertEquals(BufferedImage.TYPE_BYTE_GRAY, strip.getType());
    assertEquals(320, strip.getWidth());
    assertEquals(32, strip.getHeight());
    Raster r = strip.getRaster();
    for (int px = 0; px < 320; px++) {
      for (int py = 0; py < 32; py++) {
        assertEquals(value(px / 32, py, px % 32), r.getSample(px, py, 0), "pixel " + px + "," + py);
      }
    }
  }

  @Test
  void stripOfConstantImagesShowsEachImageInItsOwnTile() {
    // Image i is filled with 20*i: the digit sequence case, one flat tile per image.
    byte[] pixels = new byte[10 * 32 * 32];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (20 * (i / (32 * 32)));
    }
    Raster r = Tiles.strip(pixels, 10, 32, 32, 1).getRaster();
    for (int i = 0; i < 10; i++) {
      assertEquals(20 * i, r.getSample(i * 32, 0, 0));
      assertEquals(20 * i, r.getSample(i * 32 + 31, 31, 0));
    }
  }

  @Test
  void gridIsRowMajor() {
    BufferedImage grid = Tiles.grid(batch(100, 32, 32), 10, 10, 32, 32, 1);

    assertEquals(320, grid.getWidth());
    assertEquals(320, grid.getHeight());
    Raster r = grid.getRaster();
    for (int row = 0; row < 10; row++) {
      for (int col = 0; col < 10; col++) {
        int i = row * 10 + col;
        int x0 = col * 32, y0 = row * 32;
        assertEquals(value(i, 0, 0), r.getSample(x0, y0, 0), "top-left of tile " + i);
        assertEquals(value(i, 0, 31), r.getSample(x0 + 31, y0, 0), "top-right of tile " + i);
        assertEquals(value(i, 31, 0), r.getSample(x0, y0 + 31, 0), "bottom-left of tile " + i);
        assertEquals(
            value(i, 31, 31), r.getSample(x0 + 31, y0 + 31, 0), "bottom-right of tile " + i);
        assertEquals(value(i, 7, 19), r.getSample(x0 + 19, y0 + 7, 0), "inside tile " + i);
      }
    }
  }

  @Test
  void nonSquareTilesAndGrid() {
    // 2 rows x 3 cols of 2x4 images: catches height/width or rows/cols mix-ups.
    Raster r = Tiles.grid(batch(6, 2, 4), 2, 3, 2, 4, 1).getRaster();
    assertEquals(12, r.getWidth());
    assertEquals(4, r.getHeight());
    assertEquals(value(5, 1, 3), r.getSample(11, 3, 0));
    assertEquals(value(3, 0, 0), r.getSample(0, 2, 0));
    assertEquals(value(2, 1, 2), r.getSample(10, 1, 0));
  }

  @Test
  void keepsFullByteRange() {
    byte[] pixels = new byte[256];
    for (int v = 0; v < 256; v++) {
      pixels[v] = (byte) v;
    }
    Raster r = Tiles.strip(pixels, 1, 16, 16, 1).getRaster();
    assertEquals(0, r.getSample(0, 0, 0));
    assertEquals(128, r.getSample(0, 8, 0));
    assertEquals(255, r.getSample(15, 15, 0));
  }

  @Test
  void rejectsWrongLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tiles.strip(new byte[10 * 32 * 32 - 1], 10, 32, 32, 1));
    assertTrue(e.getMessage().contains("10239"), e.getMessage());
    assertTrue(e.getMessage().contains("10240"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Tiles.grid(new byte[99 * 4], 10, 10, 2, 2, 1));
  }

  @Test
  void rejectsBadSizesAndChannels() {
    assertThrows(IllegalArgumentException.class, () -> Tiles.strip(new byte[0], 0, 32, 32, 1));
    assertThrows(IllegalArgumentException.class, () -> Tiles.strip(new byte[4], 1, -2, -2, 1));
    assertThrows(IllegalArgumentException.class, () -> Tiles.grid(new byte[4], 1, 1, 2, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> Tiles.strip(null, 1, 2, 2, 1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tiles.strip(new byte[8], 1, 2, 2, 2));
    assertTrue(e.getMessage().contains("channels"), e.getMessage());
  }

  @Test
  void rejectsSizesThatOverflowInt() {
    // 65536 * 65536 overflows int; must be caught as a length mismatch, not wrap around to 0.
    assertThrows(
        IllegalArgumentException.class, () -> Tiles.strip(new byte[0], 65536, 256, 256, 1));
  }

  @Test
  void columnStacksRowsTopToBottomKeepingTheBytes() {
    BufferedImage a = Tiles.strip(batch(3, 4, 5), 3, 4, 5, 1);
    byte[] other = batch(3, 4, 5);
    for (int i = 0; i < other.length; i++) {
      other[i] ^= 0x55;
    }
    BufferedImage b = Tiles.strip(other, 3, 4, 5, 1);
    BufferedImage c = Tiles.column(java.util.List.of(a, b));
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, c.getType());
    assertEquals(15, c.getWidth());
    assertEquals(8, c.getHeight());
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 15; x++) {
        BufferedImage from = y < 4 ? a : b;
        assertEquals(from.getRaster().getSample(x, y % 4, 0), c.getRaster().getSample(x, y, 0));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Tiles.column(java.util.List.of()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tiles.column(java.util.List.of(a, Tiles.strip(batch(1, 4, 5), 1, 4, 5, 1))));
    assertEquals("rows must be of one size: 15x4, got 5x4 at row 1", e.getMessage());
  }
}
