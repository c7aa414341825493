package dev.cgan.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.data.DataSource;
import dev.cgan.data.EmbeddedMnist;
import dev.cgan.image.Png;
import dev.cgan.run.RunSettings;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.RunProducts;
import dev.cgan.train.TrainingRun;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything a dependent application needs is reachable through cgan-core's public API. */
class LibraryUseTest {
  @TempDir Path tmp;

  @Test
  void trainExportAndGenerateThroughThePublicApi() throws Exception {
    // The README's library example, on 64 digits written as an IDX folder so that it runs fast.
    Path digits = EmbeddedMnist.load().subset(0, 64).writeIdx(tmp.resolve("digits"));
    RunSettings settings =
        RunSettings.builder(DataSource.idxFolder(digits))
            .iterations(3)
            .batchSize(32)
            .seed(42)
            .resultLabels("2026112701")
            .build();
    Path dir = tmp.resolve("run");
    try (TrainingRun run = TrainingRun.create(dir, settings)) {
      assertEquals(3, run.train().iterations());
      RunProducts.write(dir);
    }
    assertEquals(320, Png.read(dir.resolve("result.png")).getWidth());
    Path exported = dir.resolve("saved_model");

    try (CganGenerator g = CganGenerator.load(exported)) {
      BufferedImage strip = g.renderDigits("2026112701", 7L);
      float[][] imgs = g.generate(new int[] {3, 1, 4}, 7L);
      assertEquals(320, strip.getWidth());
      assertEquals(32, strip.getHeight());
      assertEquals(3, imgs.length);
      for (float x : imgs[0]) {
        assertTrue(x >= -1f && x <= 1f);
      }
    }
    DigitsApp.main(new String[] {exported.toString(), "42", tmp.resolve("out.png").toString()});
    assertEquals(64, Png.read(tmp.resolve("out.png")).getWidth());
  }
}
