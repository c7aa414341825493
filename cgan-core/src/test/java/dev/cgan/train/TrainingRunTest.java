package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.InvalidSettingException;
import dev.cgan.image.Png;
import dev.cgan.run.Checkpoints;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import dev.cgan.serve.CganGenerator;
import dev.cgan.train.internal.MetricsLog;
import dev.cgan.train.internal.TensorBoardEvents;
import dev.cgan.train.internal.TensorBoardLog;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run API: create, train with listeners, resume, stop, lock, and the rules of a run. */
class TrainingRunTest {
  @TempDir Path tmp;

  @Test
  void writesSamplesMetricsAndCheckpointsIntoTheRunFolder() throws Exception {
    Path dir = tmp.resolve("run");
    Outcome outcome;
    try (TrainingRun run = TrainingRun.create(dir, TinyData.settings(6).build())) {
      outcome = run.train();
    }
    assertEquals(6, outcome.iterations());
    assertFalse(outcome.stoppedEarly());

    // Sample grids every 3 iterations: 10 rows × 10 classes of 32×32.
    for (String name : List.of("3.png", "6.png")) {
      BufferedImage grid = Png.read(dir.resolve("samples").resolve(name));
      assertEquals(320, grid.getWidth());
      assertEquals(320, grid.getHeight());
    }
    // Checkpoints at 4 and at the end (6); the index names both, newest last.
    Checkpoints checkpoints = RunFolder.open(dir).checkpoints();
    assertEquals(List.of("ckpt-4", "ckpt-6"), checkpoints.list());
    // Metrics every 2 iterations.
    List<Metrics> rows = MetricsLog.read(dir.resolve("metrics.csv"));
    assertEquals(List.of(2L, 4L, 6L), rows.stream().map(Metrics::iteration).toList());
    for (Metrics m : rows) {
      assertTrue(m.isFinite() && m.discriminatorLoss() > 0 && m.generatorLoss() > 0, m.toString());
    }
    assertEquals(800, Png.read(dir.resolve("losses.png")).getWidth());

    // TensorBoard: the logged losses at the logged steps, and the grids as images.
    List<org.tensorflow.proto.Event> events = TensorBoardEvents.readAll(dir.resolve("tensorboard"));
    List<Long> dLossSteps = new ArrayList<>();
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

  /** Stopping after 5 and resuming to 14 gives the weights of 14 straight iterations. */
  @Test
  void resumeContinuesExactlyWhereTheCheckpointLeftOff() throws Exception {
    Path straight = TinyData.trainedRun(tmp.resolve("straight"), 14);
    Path split = TinyData.trainedRun(tmp.resolve("split"), 5);
    try (TrainingRun run =
        TrainingRun.resume(
            split,
            ResumeOptions.none().iterations(14),
            dev.cgan.data.MnistDownloader.Progress.NONE)) {
      assertEquals(14, run.train().iterations());
    }
    assertSameWeights(straight, split);
    // Rows after the resumed checkpoint are never duplicated.
    assertEquals(
        List.of(2L, 4L, 5L, 6L, 8L, 10L, 12L, 14L),
        MetricsLog.read(split.resolve("metrics.csv")).stream().map(Metrics::iteration).toList());
  }

  @Test
  void listenersSeeEveryIterationAndWhatOthersPublish() throws Exception {
    List<String> seen = new ArrayList<>();
    TrainingListener publisher =
        new TrainingListener() {
          @Override
          public void onIterationEnd(TrainingContext c) throws IOException {
            if (c.iteration() % 2 == 0) {
              float[][] images = c.sampleImages(new int[] {3, 3}, 11);
              assertEquals(1024, images[0].length);
              c.publishScalars(c.iteration(), Map.of("custom/pixel", images[0][0]));
            }
          }
        };
    TrainingListener recorder =
        new TrainingListener() {
          @Override
          public void onTrainBegin(TrainingContext c) {
            seen.add("begin " + c.firstIteration() + "/" + c.totalIterations());
          }

          @Override
          public void onScalars(TrainingContext c, long step, Map<String, Float> values) {
            seen.add("scalars " + step + " " + values.keySet());
          }

          @Override
          public void onTrainEnd(TrainingContext c, Outcome o) {
            seen.add("end " + o.iterations());
          }

          @Override
          public void close() {
            seen.add("close");
          }
        };
    try (TrainingRun run = TrainingRun.create(tmp.resolve("run"), TinyData.settings(4).build())) {
      run.train(List.of(publisher, recorder));
    }
    assertEquals(
        List.of(
            "begin 0/4", "scalars 2 [custom/pixel]", "scalars 4 [custom/pixel]", "end 4", "close"),
        seen);
    // Only what the listeners wrote: no metrics, samples or checkpoints.
    assertFalse(Files.exists(tmp.resolve("run/metrics.csv")));
    assertFalse(Files.exists(tmp.resolve("run/checkpoints")));
  }

  @Test
  void aRunFolderIsTrainedByOneTrainerAtATime() throws Exception {
    Path dir = TinyData.trainedRun(tmp.resolve("locked"), 2);
    byte[] config = Files.readAllBytes(dir.resolve("run.json"));
    try (TrainingRun first = TrainingRun.resume(dir)) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  TrainingRun.resume(
                      dir,
                      ResumeOptions.none().iterations(99),
                      dev.cgan.data.MnistDownloader.Progress.NONE));
      assertTrue(e.getMessage().contains("is being trained by another process"), e.getMessage());
    }
    // The refused resume did not store its --iterations.
    assertArrayEquals(config, Files.readAllBytes(dir.resolve("run.json")));
    // Released: training goes ahead.
    try (TrainingRun run =
        TrainingRun.resume(
            dir, ResumeOptions.none().iterations(4), dev.cgan.data.MnistDownloader.Progress.NONE)) {
      assertEquals(4, run.train().iterations());
    }
  }

  @Test
  void stopRequestCheckpointsTheIterationReached() throws Exception {
    Path dir = tmp.resolve("run");
    Outcome outcome;
    try (TrainingRun run = TrainingRun.create(dir, TinyData.settings(100).build())) {
      List<TrainingListener> listeners = Listeners.standard();
      listeners.add(
          new TrainingListener() {
            @Override
            public void onIterationEnd(TrainingContext c) {
              if (c.iteration() == 7) {
                run.requestStop();
              }
            }
          });
      outcome = run.train(listeners);
    }
    assertTrue(outcome.stoppedEarly());
    assertEquals(7, outcome.iterations());
    assertEquals(
        7, Checkpoints.iterationOf(RunFolder.open(dir).checkpoints().latest().orElseThrow()));
  }

  @Test
  void settingsThatCannotWorkAreRefusedBeforeAFolderIsWritten() throws Exception {
    Path dir = tmp.resolve("never");
    InvalidSettingException batch =
        assertThrows(
            InvalidSettingException.class,
            () -> TrainingRun.create(dir, TinyData.settings(2).batchSize(640).build()));
    assertEquals("batchSize", batch.setting());
    assertEquals(
        "--batch 640 is larger than the data (320 images)", batch.messageNaming("--batch"));
    InvalidSettingException labels =
        assertThrows(
            InvalidSettingException.class, () -> TinyData.settings(2).resultLabels("12a4").build());
    assertEquals(
        "not a digit: 'a' at position 3 of --digits 12a4", labels.messageNaming("--digits"));
    InvalidSettingException size =
        assertThrows(
            InvalidSettingException.class,
            () ->
                TinyData.settings(2)
                    .network(dev.cgan.model.CganConfig.reference().withImageSize(100_000))
                    .build());
    assertEquals("imageSize", size.setting());
    assertEquals(
        "keep must be at least 1, got 0",
        assertThrows(InvalidSettingException.class, () -> TinyData.settings(2).keep(0).build())
            .getMessage());
    InvalidSettingException names =
        assertThrows(
            InvalidSettingException.class,
            () -> TrainingRun.create(dir, TinyData.settings(2).classNames(List.of("a")).build()));
    assertEquals("classNames has 1 names but the data has 10 classes", names.getMessage());
    assertFalse(Files.exists(dir));
  }

  @Test
  void aNewRunGoesOnlyIntoANewOrEmptyFolder() throws Exception {
    Path user = Files.createDirectories(tmp.resolve("photos"));
    Files.writeString(user.resolve("holiday.png"), "mine");
    IOException notEmpty =
        assertThrows(
            IOException.class, () -> TrainingRun.create(user, TinyData.settings(2).build()));
    assertEquals(
        user + " is not empty and is not a run (no run.json); choose a new or empty folder",
        notEmpty.getMessage());
    assertEquals(List.of("holiday.png"), names(user));
    assertEquals("mine", Files.readString(user.resolve("holiday.png")));

    // A folder with checkpoints/ but no run.json is not adopted either.
    Path orphan = Files.createDirectories(tmp.resolve("orphan/checkpoints"));
    assertThrows(
        IOException.class,
        () -> TrainingRun.create(orphan.getParent(), TinyData.settings(2).build()));

    Path run = TinyData.trainedRun(tmp.resolve("run"), 2);
    byte[] config = Files.readAllBytes(run.resolve("run.json"));
    IOException again =
        assertThrows(
            IOException.class, () -> TrainingRun.create(run, TinyData.settings(2).build()));
    assertTrue(again.getMessage().contains("already holds a run"), again.getMessage());
    assertArrayEquals(config, Files.readAllBytes(run.resolve("run.json")));

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    try (TrainingRun r = TrainingRun.create(empty, TinyData.settings(1).build())) {
      assertEquals(1, r.train().iterations());
    }
  }

  @Test
  void resumeRefusesToGoBackAndStoresWhatItMayChange() throws Exception {
    Path dir = TinyData.trainedRun(tmp.resolve("run"), 4);
    byte[] config = Files.readAllBytes(dir.resolve("run.json"));
    InvalidSettingException keep =
        assertThrows(
            InvalidSettingException.class,
            () ->
                TrainingRun.resume(
                    dir,
                    ResumeOptions.none().keep(0),
                    dev.cgan.data.MnistDownloader.Progress.NONE));
    assertEquals("--keep must be at least 1, got 0", keep.messageNaming("--keep"));
    InvalidSettingException back =
        assertThrows(
            InvalidSettingException.class,
            () ->
                TrainingRun.resume(
                    dir,
                    ResumeOptions.none().iterations(2),
                    dev.cgan.data.MnistDownloader.Progress.NONE));
    assertEquals(
        "--iterations 2 would go back: " + dir + " is already at iteration 4",
        back.messageNaming("--iterations"));
    assertArrayEquals(config, Files.readAllBytes(dir.resolve("run.json")));

    // Intervals and keep are applied and stored.
    try (TrainingRun run =
        TrainingRun.resume(
            dir,
            ResumeOptions.none().iterations(6).keep(1),
            dev.cgan.data.MnistDownloader.Progress.NONE)) {
      run.train();
    }
    assertEquals(List.of("ckpt-6"), RunFolder.open(dir).checkpoints().list());
    assertEquals(1, RunFolder.open(dir).settings().keep());
  }

  /** The index is a cache: missing, hand-written, garbage or stale, the files on disk decide. */
  @Test
  void aMissingOrWrongIndexResumesFromTheNewestCheckpointOnDisk() throws Exception {
    List<String> indexes =
        List.of(
            "", // deleted
            "model_checkpoint_path: \"ckpt-23400\"\n",
            "\u0000\u00ff garbage \n",
            "model_checkpoint_path: \"ckpt-4\"\nall_model_checkpoint_paths: \"ckpt-4\"\n");
    for (int i = 0; i < indexes.size(); i++) {
      Path dir = TinyData.trainedRun(tmp.resolve("run" + i), 8);
      Path index = dir.resolve("checkpoints/checkpoint");
      if (indexes.get(i).isEmpty()) {
        Files.delete(index);
      } else {
        Files.write(index, indexes.get(i).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      List<String> rowsUpTo8 = Files.readAllLines(dir.resolve("metrics.csv"));
      List<String> warnings = new ArrayList<>();
      try (TrainingRun run =
          TrainingRun.resume(
                  dir,
                  ResumeOptions.none().iterations(10),
                  dev.cgan.data.MnistDownloader.Progress.NONE)
              .withWarnings(warnings::add)) {
        Outcome o = run.train();
        assertEquals(10, o.iterations());
      }
      assertFalse(warnings.isEmpty(), "index " + i + " gave no warning");
      // Resumed at 8, not 0: the rows up to 8 are kept as they were and one is new.
      List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
      assertEquals(rowsUpTo8, rows.subList(0, rowsUpTo8.size()), "index " + i);
      assertEquals(rowsUpTo8.size() + 1, rows.size(), "index " + i);
      assertTrue(rows.get(rows.size() - 1).startsWith("10,"), rows.toString());
      assertTrue(Files.exists(dir.resolve("checkpoints/ckpt-4.index")), "index " + i);
      assertTrue(Files.exists(dir.resolve("samples/3.png")), "index " + i);
    }
  }

  /**
   * One flipped byte: TensorFlow's CRC finds it, and the older checkpoint kept for this is used.
   */
  @Test
  void aCorruptNewestCheckpointIsSkippedNamedAndLeftOnDisk() throws Exception {
    Path dir = TinyData.trainedRun(tmp.resolve("run"), 8);
    List<String> rowsBefore = losses(Files.readAllLines(dir.resolve("metrics.csv")).subList(0, 3));
    Path data = dir.resolve("checkpoints/ckpt-8.data-00000-of-00001");
    byte[] bytes = Files.readAllBytes(data);
    // Damage in every tensor, so that the generator's weights are hit too (a reader restores G's
    // alone, and rightly ignores damage to D's).
    for (int i = 0; i < bytes.length; i += 1024) {
      bytes[i] ^= 0x5A;
    }
    Files.write(data, bytes);

    // A reader falls back to ckpt-4 and changes nothing.
    try (CganGenerator g = CganGenerator.load(dir)) {
      assertEquals(4, g.iterations());
    }
    assertArrayEquals(bytes, Files.readAllBytes(data));

    List<String> warnings = new ArrayList<>();
    try (TrainingRun run = TrainingRun.resume(dir).withWarnings(warnings::add)) {
      assertEquals(8, run.train().iterations());
    }
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(
        warnings
            .get(0)
            .startsWith(
                "warning: checkpoint " + dir.resolve("checkpoints/ckpt-8") + " is corrupt ("),
        warnings.get(0));
    // The corrupt files are kept under another name; the new ckpt-8 is the uninterrupted run's.
    assertArrayEquals(
        bytes,
        Files.readAllBytes(dir.resolve("checkpoints/ckpt-8-unlisted-1.data-00000-of-00001")));
    assertEquals(List.of("ckpt-4", "ckpt-8"), RunFolder.open(dir).checkpoints().list());
    // Resumed from ckpt-4: the rows up to 4 are as they were, the rows after were computed again.
    assertEquals(rowsBefore, losses(Files.readAllLines(dir.resolve("metrics.csv")).subList(0, 3)));
    assertEquals(5, Files.readAllLines(dir.resolve("metrics.csv")).size());
  }

  @Test
  void whenNoCheckpointRestoresItIsAnErrorCalledCorruption() throws Exception {
    Path dir = TinyData.trainedRun(tmp.resolve("run"), 4);
    Path data = dir.resolve("checkpoints/ckpt-4.data-00000-of-00001");
    byte[] bytes = Files.readAllBytes(data);
    Files.write(data, java.util.Arrays.copyOf(bytes, 100));
    IOException e = assertThrows(IOException.class, () -> CganGenerator.load(dir));
    assertTrue(e.getMessage().startsWith("no checkpoint in "), e.getMessage());
    assertTrue(e.getMessage().contains("ckpt-4 is corrupt"), e.getMessage());
    assertFalse(e.getMessage().contains("does not fit"), e.getMessage());
  }

  /**
   * A learning rate of 1e10 after a few sane iterations: training stops with a message naming the
   * iteration and the last good checkpoint, which is still the newest one and still restores.
   */
  @Test
  void aDivergingRunStopsAndKeepsItsLastGoodCheckpoint() throws Exception {
    Path dir = TinyData.trainedRun(tmp.resolve("run"), 4);
    // Only a lock holder changes a run; the learning rate is not a setting a resume may change.
    try (RunFolder.Locked lock = RunFolder.open(dir).lock()) {
      lock.update(lock.run().settings().toBuilder().iterations(40).learningRate(1e10f).build());
    }
    DivergedException e;
    try (TrainingRun run = TrainingRun.resume(dir)) {
      e = assertThrows(DivergedException.class, run::train);
    }
    assertTrue(
        e.getMessage()
            .matches(
                "training diverged at iteration \\d+ \\(d_loss .*, g_loss .*\\); "
                    + "the last good checkpoint is ckpt-4"),
        e.getMessage());
    assertEquals(List.of("ckpt-4"), RunFolder.open(dir).checkpoints().list());
    try (CganGenerator g = CganGenerator.load(dir)) {
      assertEquals(4, g.iterations());
      for (float[] image : g.generate(new int[] {0, 1, 2}, 7)) {
        for (float v : image) {
          assertTrue(Float.isFinite(v));
        }
      }
    }
    for (Metrics m : MetricsLog.read(dir.resolve("metrics.csv"))) {
      assertTrue(m.isFinite(), m.toString());
    }
  }

  @Test
  void aRunJsonWithFieldsOutOfRangeIsNamed() throws Exception {
    Path dir = TinyData.trainedRun(tmp.resolve("run"), 2);
    Path json = dir.resolve("run.json");
    Files.writeString(json, Files.readString(json).replaceFirst("\"keep\": 3", "\"keep\": -2"));
    IOException e = assertThrows(IOException.class, () -> TrainingRun.resume(dir));
    assertEquals(
        json
            + ": unreadable run configuration (keep must be a whole number from 1 to 2147483647,"
            + " found -2)",
        e.getMessage());
  }

  @Test
  void aLogFileThatIsAFolderIsNamed() throws Exception {
    Path dir = TinyData.trainedRun(tmp.resolve("run"), 2);
    Files.delete(dir.resolve("metrics.csv"));
    Files.createDirectories(dir.resolve("metrics.csv"));
    try (TrainingRun run =
        TrainingRun.resume(
            dir, ResumeOptions.none().iterations(4), dev.cgan.data.MnistDownloader.Progress.NONE)) {
      IOException e = assertThrows(IOException.class, run::train);
      assertEquals(
          dir.resolve("metrics.csv") + " is a folder, where the run's log file was expected",
          e.getMessage());
    }
  }

  /**
   * A real full disk: the run folder on a tmpfs that holds one checkpoint but not two. Needs
   * permission to mount (root on Linux); skipped elsewhere.
   */
  @Test
  void aFullDiskDuringTrainingKeepsThePreviousCheckpoint() throws Exception {
    Path mount = tmp.resolve("tmpfs");
    Files.createDirectories(mount);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        sh("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString()),
        "cannot mount a tmpfs here");
    try {
      Path dir = mount.resolve("run");
      RunSettings small =
          TinyData.settings(4)
              .network(dev.cgan.model.CganConfig.reference().withImageSize(8))
              .batchSize(16)
              .sampleInterval(100)
              .build();
      try (TrainingRun run = TrainingRun.create(dir, small)) {
        run.train();
      }
      long checkpoint = Files.size(dir.resolve("checkpoints/ckpt-4.data-00000-of-00001"));
      var store = Files.getFileStore(mount);
      long used = store.getTotalSpace() - store.getUnallocatedSpace();
      // Room for what is there and half a checkpoint more: the next save runs out of space.
      org.junit.jupiter.api.Assumptions.assumeTrue(
          sh(
              "mount",
              "-o",
              "remount,size=" + ((used + checkpoint / 2) >> 10) + "k",
              mount.toString()),
          "cannot resize the tmpfs");
      IOException e;
      try (TrainingRun run =
          TrainingRun.resume(
              dir,
              ResumeOptions.none().iterations(8),
              dev.cgan.data.MnistDownloader.Progress.NONE)) {
        e = assertThrows(IOException.class, run::train);
      }
      assertTrue(
          e.getMessage()
              .startsWith("cannot save checkpoint ckpt-8 in " + dir.resolve("checkpoints") + ": "),
          e.getMessage());
      assertTrue(
          e.getMessage().endsWith("; the previous checkpoint ckpt-4 is intact"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
      assertEquals(List.of("ckpt-4"), RunFolder.open(dir).checkpoints().list());
      try (CganGenerator g = CganGenerator.load(dir)) {
        assertEquals(4, g.iterations());
      }
    } finally {
      sh("umount", mount.toString());
    }
  }

  private static boolean sh(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  static void assertSameWeights(Path a, Path b) throws IOException {
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    try (CganGenerator ga = CganGenerator.load(a);
        CganGenerator gb = CganGenerator.load(b)) {
      assertEquals(ga.iterations(), gb.iterations());
      assertArrayEquals(ga.pixels(labels, 3), gb.pixels(labels, 3), a + " vs " + b);
    }
  }

  /** The first six columns of metrics rows: everything but the timings. */
  private static List<String> losses(List<String> rows) {
    return rows.stream().map(r -> String.join(",", List.of(r.split(",")).subList(0, 6))).toList();
  }

  private static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
