package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cgan.data.ImageFolderOptions.Resize;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact values on inputs small enough to compute by hand, through PNG files and the decoder. */
class ImagePlanTest {
  @TempDir Path tmp;

  private static final int WHITE = 0xFFFFFF, BLACK = 0;

  /** Writes {@code img} as a PNG, decodes it back and renders it with the plan. */
  private int[] render(BufferedImage img, int size, int channels, Resize resize, int bg)
      throws IOException {
    Path file = TestImages.write(img, "png", tmp.resolve("i" + System.nanoTime() + ".png"));
    ImagePlan plan = new ImagePlan(size, img.getWidth(), img.getHeight(), channels, resize, bg);
    byte[] out = new byte[plan.imageBytes()];
    try {
      plan.render(ImageDecoder.read(file), out, 0);
    } catch (ImageDecoder.BadImage e) {
      throw new AssertionError(e.getMessage());
    }
    int[] values = new int[out.length];
    for (int i = 0; i < out.length; i++) {
      values[i] = out[i] & 0xFF;
    }
    return values;
  }

  private int[] render(BufferedImage img, int channels, int bg) throws IOException {
    return render(img, 0, channels, Resize.CROP, bg);
  }

  @Test
  void lumaIsBt601Rounded() throws IOException {
    // 0.299*255 = 76.245; 0.587*255 = 149.685; 0.114*255 = 29.07; 2.99 + 11.74 + 3.42 = 18.15.
    BufferedImage img =
        TestImages.argb(new int[][] {{0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFF0A141E, 0xFF808080}});
    assertArrayEquals(new int[] {76, 150, 29, 18, 128}, render(img, 1, WHITE));
    assertArrayEquals(
        new int[] {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 128, 128, 128},
        render(img, 3, WHITE));
  }

  @Test
  void alphaIsCompositedOnTheBackground() throws IOException {
    // Red at alpha 128/255 on white: r = 255, g = b = 255 * 127/255 = 127; on black: r = 128.
    // Fully transparent: the background. Grey of (255, 127, 127): 76.245 + 74.549 + 14.478 =
    // 165.27.
    BufferedImage img = TestImages.argb(new int[][] {{0x80FF0000, 0x0012AB34, 0xFF000000}});
    assertArrayEquals(new int[] {255, 127, 127, 255, 255, 255, 0, 0, 0}, render(img, 3, WHITE));
    assertArrayEquals(new int[] {128, 0, 0, 0, 0, 0, 0, 0, 0}, render(img, 3, BLACK));
    assertArrayEquals(new int[] {165, 255, 0}, render(img, 1, WHITE));
    // A grey background keeps grey pixels grey: 0.5 of 200 on 100 = 150.
    BufferedImage grey = TestImages.argb(new int[][] {{0x7FC8C8C8}});
    assertArrayEquals(new int[] {150}, render(grey, 1, 0x646464));
  }

  @Test
  void sixteenBitAndPaletteImages() throws IOException {
    BufferedImage deep = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
    deep.getRaster().setPixels(0, 0, 3, 1, new int[] {65535, 32896, 25700});
    assertArrayEquals(new int[] {255, 128, 100}, render(deep, 1, WHITE));

    byte[] r = {0, (byte) 200, 10}, g = {0, 100, 10}, b = {0, 50, 10};
    BufferedImage palette =
        new BufferedImage(
            3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, g, b));
    palette.getRaster().setPixels(0, 0, 3, 1, new int[] {1, 2, 0});
    assertArrayEquals(new int[] {200, 100, 50, 10, 10, 10, 0, 0, 0}, render(palette, 3, WHITE));
  }

  @Test
  void greyFilesKeepTheirSamplesWithoutAColourSpaceConversion() throws IOException {
    // getRGB would turn 128 into 186 (linear grey to sRGB); PIL and IDX keep 128.
    BufferedImage img = TestImages.grey(new int[][] {{0, 1, 128, 254, 255}});
    assertArrayEquals(new int[] {0, 1, 128, 254, 255}, render(img, 1, WHITE));
    assertArrayEquals(
        new int[] {128, 128, 128}, render(TestImages.grey(new int[][] {{128}}), 3, WHITE));
  }

  @Test
  void cropPadAndStretchOfAWideImage() throws IOException {
    // 4 x 2, columns 0, 50, 100, 150.
    int[][] wide = {{0, 50, 100, 150}, {0, 50, 100, 150}};
    BufferedImage img = TestImages.grey(wide);
    // Crop: the centred 2 x 2 (columns 1 and 2).
    assertArrayEquals(new int[] {50, 100, 50, 100}, render(img, 2, 1, Resize.CROP, WHITE));
    // Stretch to 2 x 2: columns averaged in pairs, rows kept.
    assertArrayEquals(new int[] {25, 125, 25, 125}, render(img, 2, 1, Resize.STRETCH, WHITE));
    // Pad to 4 x 4: the image unchanged in rows 1 and 2, background above and below.
    assertArrayEquals(
        new int[] {255, 255, 255, 255, 0, 50, 100, 150, 0, 50, 100, 150, 255, 255, 255, 255},
        render(img, 4, 1, Resize.PAD, WHITE));
    // Pad to 2 x 2 in colour on red: 4 x 2 -> 2 x 1 in row 0 (offset (2 - 1) / 2 = 0), red below.
    assertArrayEquals(
        new int[] {25, 25, 25, 125, 125, 125, 255, 0, 0, 255, 0, 0},
        render(img, 2, 3, Resize.PAD, 0xFF0000));
  }

  @Test
  void geometryOfTallImages() {
    ImagePlan plan = new ImagePlan(8, 0, 0, 1, Resize.CROP, WHITE);
    assertEquals(new ImagePlan.Geometry(0, 5, 10, 10, 0, 0, 8, 8), plan.geometry(10, 21));
    ImagePlan pad = new ImagePlan(8, 0, 0, 1, Resize.PAD, WHITE);
    // 10 x 21 -> width round(10 * 8 / 21) = round(3.81) = 4, at x = (8 - 4) / 2 = 2.
    assertEquals(new ImagePlan.Geometry(0, 0, 10, 21, 2, 0, 4, 8), pad.geometry(10, 21));
  }
}
