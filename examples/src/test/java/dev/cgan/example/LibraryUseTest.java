package dev.cgan.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.model.CganConfig;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.SavedModelExport;
import dev.cgan.train.RunConfig;
import dev.cgan.train.RunFolder;
import dev.cgan.train.Trainer;
import dev.cgan.train.TrainingSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything a dependent application needs is reachable through cgan-core's public API. */
class LibraryUseTest {
  @TempDir Path tmp;

  @Test
  void trainExportAndGenerateThroughThePublicApi() throws Exception {
    TrainingSpec spec = TrainingSpec.reference(CganConfig.reference(), 3, 42).withBatchSize(32);
    RunFolder run =
        RunFolder.create(
            tmp.resolve("run"),
            new RunConfig(spec, RunConfig.EMBEDDED, 1000, 1000, 1, 1, "0123456789", null));
    new Trainer().train(run, EmbeddedMnist.load().subset(0, 64), new Trainer.Listener() {});
    Path exported = SavedModelExport.export(run, tmp.resolve("saved_model"));

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
    assertEquals(64, dev.cgan.image.Png.read(tmp.resolve("out.png")).getWidth());
  }
}
