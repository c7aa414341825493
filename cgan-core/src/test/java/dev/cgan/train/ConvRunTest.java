package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cgan.model.Architecture;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Weights;
import dev.cgan.run.RunFolder;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.ModelMetadata;
import dev.cgan.serve.RunProducts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conv network through the run API: train, resume bit for bit, export, load. */
class ConvRunTest {
  @TempDir Path tmp;

  private static Path trained(Path dir, long iterations) throws IOException {
    try (TrainingRun run =
        TrainingRun.create(
            dir,
            TinyData.settings(iterations)
                .network(CganConfig.conv(4).withImageSize(16))
                .emaDecay(0.9f)
                .build())) {
      run.train();
    }
    return dir;
  }

  @Test
  void aConvRunResumesBitForBitAndExportsWithItsArchitecture() throws Exception {
    Path straight = trained(tmp.resolve("straight"), 6);
    Path split = trained(tmp.resolve("split"), 3);
    try (TrainingRun run =
        TrainingRun.resume(
            split,
            ResumeOptions.none().iterations(6),
            dev.cgan.data.MnistDownloader.Progress.NONE)) {
      assertEquals(Architecture.CONV, run.settings().network().arch());
      assertEquals(6, run.train().iterations());
    }
    TrainingRunTest.assertSameWeights(straight, split);
    // The split run has one more row, at the iteration it stopped; the others are the same.
    List<String> straightRows = losses(straight);
    assertEquals(straightRows, losses(split).stream().filter(r -> !r.startsWith("3,")).toList());
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    try (CganGenerator a = CganGenerator.fromRun(straight, Weights.RAW);
        CganGenerator b = CganGenerator.fromRun(split, Weights.RAW)) {
      assertArrayEquals(a.pixels(labels, 3), b.pixels(labels, 3), "raw weights");
    }

    RunProducts.write(straight);
    Path savedModel = RunFolder.open(straight).savedModelDir();
    ModelMetadata meta = ModelMetadata.read(savedModel);
    assertEquals(CganConfig.conv(4).withImageSize(16), meta.model());
    assertEquals(meta.model(), RunFolder.open(straight).settings().network());
    try (CganGenerator fromRun = CganGenerator.load(straight);
        CganGenerator exported = CganGenerator.load(savedModel)) {
      byte[] pixels = fromRun.pixels(labels, 3);
      assertEquals(10 * 16 * 16, pixels.length);
      assertArrayEquals(pixels, exported.pixels(labels, 3));
    }
  }

  private static List<String> losses(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.csv")).stream()
        .map(r -> String.join(",", List.of(r.split(",")).subList(0, 6)))
        .toList();
  }
}
