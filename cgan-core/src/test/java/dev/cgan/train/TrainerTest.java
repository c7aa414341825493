package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.image.Png;
import dev.cgan.serve.CganGenerator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  @TempDir Path tmp;

  @Test
  void writesSamplesMetricsAndCheckpointsIntoTheRunFolder() throws Exception {
    RunFolder run = RunFolder.create(tmp.resolve("run"), TinyData.run(TinyData.spec(6)));
    Trainer.Outcome outcome =
        new Trainer().train(run, TinyData.digits(), new Trainer.Listener() {});
    assertEquals(6, outcome.iterations());
    assertFalse(outcome.stoppedEarly());

    // Sample grids every 3 iterations: 10 rows × 10 classes of 32×32.
    for (String name : List.of("3.png", "6.png")) {
      BufferedImage grid = Png.read(run.samplesDir().resolve(name));
      assertEquals(320, grid.getWidth());
      assertEquals(320, grid.getHeight());
    }
    // Checkpoints at 4 and at the end (6); the index names both, newest last.
    assertEquals(List.of("ckpt-4", "ckpt-6"), run.checkpoints().list());
    assertEquals(6, Checkpoints.iterationOf(run.checkpoints().latest().orElseThrow()));
    // Metrics every 2 iterations.
    List<Metrics> rows = MetricsLog.read(run.metricsFile());
    assertEquals(List.of(2L, 4L, 6L), rows.stream().map(Metrics::iteration).toList());
    assertTrue(Files.readAllLines(run.metricsFile()).get(0).startsWith("iteration,"));
    for (Metrics m : rows) {
      assertTrue(m.isFinite() && m.discriminatorLoss() > 0 && m.generatorLoss() > 0, m.toString());
    }
    assertEquals(800, Png.read(run.lossPlot()).getWidth());

    // TensorBoard: the logged losses at the logged steps, and the grids as images.
    List<org.tensorflow.proto.Event> events = TensorBoardEvents.readAll(run.tensorBoardDir());
    List<Long> dLossSteps = new java.util.ArrayList<>();
    for (org.tensorflow.proto.Event e : events) {
      for (org.tensorflow.proto.Summary.Value v : e.getSummary().getValueList()) {
        if (v.getTag().equals(TensorBoardLog.DISCRIMINATOR_LOSS)) {
          dLossSteps.add(e.getStep());
          Metrics row =
              rows.stream().filter(m -> m.iteration() == e.getStep()).findFirst().orElseThrow();
          assertEquals(row.discriminatorLoss(), v.getSimpleValue(), 1e-6);
        }
      }
    }
    assertEquals(List.of(2L, 4L, 6L), dLossSteps);
    assertEquals(
        2,
        events.stream()
            .flatMap(e -> e.getSummary().getValueList().stream())
            .filter(v -> v.getTag().startsWith(TensorBoardLog.SAMPLES) && v.hasImage())
            .count());
  }

  /** Stopping after 3 and resuming to 6 gives the weights of 6 straight iterations. */
  @Test
  void resumeContinuesExactlyWhereTheCheckpointLeftOff() throws Exception {
    RunFolder straight = RunFolder.create(tmp.resolve("straight"), TinyData.run(TinyData.spec(14)));
    new Trainer().train(straight, TinyData.digits(), new Trainer.Listener() {});

    RunFolder split = RunFolder.create(tmp.resolve("split"), TinyData.run(TinyData.spec(5)));
    new Trainer().train(split, TinyData.digits(), new Trainer.Listener() {});
    split = split.update(split.config().withSpec(split.config().spec().withIterations(14)));
    Trainer.Outcome resumed =
        new Trainer()
            .train(RunFolder.open(split.root()), TinyData.digits(), new Trainer.Listener() {});
    assertEquals(14, resumed.iterations());

    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    try (CganGenerator a = CganGenerator.load(straight.root());
        CganGenerator b = CganGenerator.load(split.root())) {
      assertArrayEquals(a.pixels(labels, 3), b.pixels(labels, 3));
    }
    // Rows after the resumed checkpoint are never duplicated.
    assertEquals(
        List.of(2L, 4L, 5L, 6L, 8L, 10L, 12L, 14L),
        MetricsLog.read(split.metricsFile()).stream().map(Metrics::iteration).toList());
  }

  @Test
  void evaluatesFixedSamplesOfEveryClassAtTheIntervalAndAtTheEnd() throws Exception {
    RunFolder run = RunFolder.create(tmp.resolve("eval"), TinyData.run(TinyData.spec(5)));
    List<float[][]> seen = new java.util.ArrayList<>();
    Trainer trainer =
        new Trainer()
            .evaluateEvery(
                2,
                3,
                (images, labels) -> {
                  assertArrayEquals(
                      new int[] {
                        0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8,
                        8, 8, 9, 9, 9
                      },
                      labels);
                  assertEquals(1024, images[0].length);
                  seen.add(images);
                  return new Trainer.Scores(0.5, 12.25, 3.5, 0.75);
                });
    trainer.train(run, TinyData.digits(), new Trainer.Listener() {});
    assertEquals(3, seen.size());
    // Same noise each time, different weights: the samples change between evaluations.
    assertFalse(java.util.Arrays.equals(seen.get(0)[0], seen.get(1)[0]));
    List<String> rows = Files.readAllLines(run.evaluationFile());
    assertEquals(
        List.of(
            EvaluationLog.HEADER,
            "2,0.50000,12.2500,3.5000,0.7500",
            "4,0.50000,12.2500,3.5000,0.7500",
            "5,0.50000,12.2500,3.5000,0.7500"),
        rows);
  }

  @Test
  void aRunFolderIsTrainedByOneTrainerAtATime() throws Exception {
    RunFolder run = RunFolder.create(tmp.resolve("locked"), TinyData.run(TinyData.spec(2)));
    try (java.nio.channels.FileChannel other =
            java.nio.channels.FileChannel.open(
                run.root().resolve(".lock"),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held = other.lock()) {
      java.io.IOException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.io.IOException.class,
              () -> new Trainer().train(run, TinyData.digits(), new Trainer.Listener() {}));
      assertTrue(e.getMessage().contains("is being trained by another process"), e.getMessage());
    }
    // Released: training goes ahead.
    assertEquals(
        2, new Trainer().train(run, TinyData.digits(), new Trainer.Listener() {}).iterations());
  }

  @Test
  void stopRequestCheckpointsTheIterationReached() throws Exception {
    RunFolder run = RunFolder.create(tmp.resolve("run"), TinyData.run(TinyData.spec(100)));
    Trainer trainer = new Trainer();
    Trainer.Outcome outcome =
        trainer.train(
            run,
            TinyData.digits(),
            new Trainer.Listener() {
              @Override
              public void iterationDone(long iteration, long total) {
                if (iteration == 7) {
                  trainer.requestStop();
                }
              }
            });
    assertTrue(outcome.stoppedEarly());
    assertEquals(7, outcome.iterations());
    assertEquals(7, Checkpoints.iterationOf(run.checkpoints().latest().orElseThrow()));
  }
}
