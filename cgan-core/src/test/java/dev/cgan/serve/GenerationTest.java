package dev.cgan.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cgan.image.Png;
import dev.cgan.train.TinyData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationTest {
  @TempDir static Path tmp;
  static Path run;

  @BeforeAll
  static void train() throws Exception {
    run = TinyData.trainedRun(tmp.resolve("run"), 4);
  }

  @Test
  void digitStripIsOneRowOfTilesLeftToRight() throws Exception {
    try (CganGenerator g = CganGenerator.load(run)) {
      BufferedImage strip = g.renderDigits("2026112701", 7);
      assertEquals(320, strip.getWidth());
      assertEquals(32, strip.getHeight());
      // Tile i of the strip is the image generated for digit i.
      byte[] pixels = g.pixels(new int[] {2, 0, 2, 6, 1, 1, 2, 7, 0, 1}, 7);
      for (int tile = 0; tile < 10; tile++) {
        for (int y = 0; y < 32; y += 5) {
          for (int x = 0; x < 32; x += 5) {
            assertEquals(
                pixels[tile * 1024 + y * 32 + x] & 0xFF,
                strip.getRaster().getSample(tile * 32 + x, y, 0));
          }
        }
      }
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void sameModelDigitsAndSeedGiveByteIdenticalPngs() throws Exception {
    Path a = tmp.resolve("a.png"), b = tmp.resolve("b.png"), c = tmp.resolve("c.png");
    try (CganGenerator g = CganGenerator.load(run)) {
      Png.write(g.renderDigits("2026112701", 7), a);
      Png.write(g.renderDigits("2026112701", 8), c);
    }
    try (CganGenerator g = CganGenerator.load(run)) {
      Png.write(g.renderDigits("2026112701", 7), b);
    }
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
  }

  @Test
  void rawImagesAreInMinusOneToOneAndMatchThePixels() throws Exception {
    try (CganGenerator g = CganGenerator.load(run)) {
      float[][] imgs = g.generate(new int[] {3, 1, 4}, 7);
      byte[] px = g.pixels(new int[] {3, 1, 4}, 7);
      assertEquals(3, imgs.length);
      for (int i = 0; i < 3; i++) {
        assertEquals(1024, imgs[i].length);
        for (int j = 0; j < 1024; j++) {
          float x = imgs[i][j];
          assertEquals(Math.rint((x + 1) * 127.5), px[i * 1024 + j] & 0xFF, 0.0);
        }
      }
    }
  }

  @Test
  void badLabelsAreNamed() throws Exception {
    try (CganGenerator g = CganGenerator.load(run)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> g.renderDigits("12a4", 1));
      assertEquals("not a digit: 'a' at position 3 of --digits 12a4", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> g.renderDigits("", 1));
      assertThrows(IllegalArgumentException.class, () -> g.generate(new int[] {10}, 1));
    }
  }
}
