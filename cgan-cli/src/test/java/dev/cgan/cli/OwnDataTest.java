package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.data.IdxWriter;
import dev.cgan.image.Png;
import dev.cgan.run.RunFolder;
import dev.cgan.serve.CganGenerator;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Any labelled IDX pair trains: a synthetic 3-class set of 16×16 shapes. */
class OwnDataTest {
  @TempDir Path tmp;

  @Test
  void trainsOnThreeClassesOfSixteenPixelShapesAndGeneratesByLabel() throws Exception {
    int n = 96, size = 16;
    byte[] pixels = new byte[n * size * size];
    byte[] labels = new byte[n];
    Random random = new Random(3);
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 3);
      drawShape(pixels, i * size * size, size, i % 3, random);
    }
    Path images = tmp.resolve("shapes-images.idx"), labelFile = tmp.resolve("shapes-labels.idx");
    IdxWriter.writeUbyte(images, pixels, new int[] {n, size, size}, false);
    IdxWriter.writeUbyte(labelFile, labels, new int[] {n}, false);

    Path run = tmp.resolve("shapes");
    CliTest.Outcome o =
        CliTest.cgan(
            "train",
            "--images",
            images.toString(),
            "--labels",
            labelFile.toString(),
            "--img-size",
            "16",
            "--class-names",
            "circle,square,triangle",
            "--out",
            run.toString(),
            "--iterations",
            "3",
            "--batch",
            "16");
    assertEquals(0, o.code(), o.err());

    RunFolder folder = RunFolder.open(run);
    assertEquals(3, folder.settings().network().numClasses());
    assertEquals(16, folder.settings().network().imageSize());
    // Sample grid: 10 rows × 3 classes of 16×16; result.png: every class once.
    BufferedImage grid = Png.read(folder.samplesDir().resolve("3.png"));
    assertEquals(48, grid.getWidth());
    assertEquals(160, grid.getHeight());
    assertEquals(48, Png.read(folder.resultImage()).getWidth());

    Path out = tmp.resolve("out.png");
    assertEquals(
        0,
        CliTest.cgan(
                "generate",
                "--model",
                run.resolve("saved_model").toString(),
                "--labels",
                "2,0,1,1",
                "-o",
                out.toString())
            .code());
    assertEquals(64, Png.read(out).getWidth());
    assertEquals(16, Png.read(out).getHeight());
    try (CganGenerator g = CganGenerator.load(run.resolve("saved_model"))) {
      assertEquals(List.of("circle", "square", "triangle"), g.classNames());
    }
    CliTest.Outcome bad = CliTest.cgan("generate", "--model", run.toString(), "--labels", "3");
    assertEquals(Main.USAGE, bad.code());
    assertTrue(bad.err().contains("classes 0-2"), bad.err());
  }

  private static void drawShape(byte[] px, int offset, int size, int kind, Random random) {
    int cx = 6 + random.nextInt(4), cy = 6 + random.nextInt(4), r = 3 + random.nextInt(3);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int dx = x - cx, dy = y - cy;
        boolean inside =
            switch (kind) {
              case 0 -> dx * dx + dy * dy <= r * r;
              case 1 -> Math.abs(dx) <= r && Math.abs(dy) <= r;
              default -> dy <= r && dy >= -r && Math.abs(dx) <= (dy + r) / 2;
            };
        px[offset + y * size + x] = (byte) (inside ? 255 : 0);
      }
    }
  }
}
