package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cgan.InvalidSettingException;
import dev.cgan.NotEnoughMemoryException;
import dev.cgan.data.DataSource;
import dev.cgan.data.IdxWriter;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Discriminator;
import dev.cgan.model.Generator;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import dev.cgan.train.internal.MemoryLimits;
import dev.cgan.train.internal.TrainingMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A run whose data or networks cannot fit is refused before anything is allocated or written, with
 * tiny limits put in place of this machine's.
 */
class MemoryCheckTest {
  @TempDir Path tmp;

  private static final long MIB = 1 << 20;
  private static final long PLENTY = 1L << 40;

  /** The estimate counts exactly the variables the networks create, from the layer widths. */
  @Test
  void theNetworksVariablesAreCountedFromTheirLayers() {
    for (CganConfig c :
        List.of(
            CganConfig.reference(),
            CganConfig.reference().withNumClasses(3).withImageSize(16),
            new CganConfig(7, 64, 20, 1, 0.8f, 0.1f, 0f, 0.2f))) {
      try (Graph graph = new Graph()) {
        Ops tf = Ops.create(graph);
        Generator g = new Generator(tf, c, 1);
        Discriminator d = new Discriminator(tf, c, 1);
        assertEquals(
            size(g.trainableVariables()), TrainingMemory.generatorVariables(c), c.toString());
        assertEquals(
            size(d.trainableVariables()), TrainingMemory.discriminatorVariables(c), c.toString());
      }
    }
  }

  private static long size(List<Variable<TFloat32>> vars) {
    return vars.stream().mapToLong(v -> v.shape().size()).sum();
  }

  /**
   * Data that does not fit the heap is refused from its header: the body after it is cut short, so
   * reading it would have failed otherwise. Nothing is written.
   */
  @Test
  void dataTooLargeForTheHeapIsRefusedBeforeItIsRead() throws Exception {
    Path images = tmp.resolve("images.gz");
    byte[] whole = IdxWriter.encodeUbyte(new byte[4096 * 64 * 64], new int[] {4096, 64, 64}, true);
    Files.write(images, Arrays.copyOf(whole, whole.length / 2));
    Path labels = tmp.resolve("labels");
    byte[] classes = new byte[4096];
    Arrays.fill(classes, (byte) 1);
    IdxWriter.writeUbyte(labels, classes, new int[] {4096}, false);
    Path out = tmp.resolve("run");
    RunSettings s = RunSettings.builder(DataSource.idxFiles(images, labels)).build();
    try (AutoCloseable limits =
        MemoryLimits.override(new MemoryLimits(8 * MIB, 0, 8 * MIB, PLENTY, "a test"))) {
      NotEnoughMemoryException e =
          assertThrows(NotEnoughMemoryException.class, () -> TrainingRun.create(out, s));
      assertEquals(
          images.toAbsolutePath()
              + ": 4096 images of 64x64 need about 17 MiB of Java heap to load, and this JVM has 8"
              + " MiB free of its 8 MiB maximum; raise it with -Xmx, or train on fewer images",
          e.getMessage());
    }
    assertFalse(Files.exists(out));
  }

  /** Data that fits the heap, but not the machine once TensorFlow has copied it into the graph. */
  @Test
  void dataTooLargeForTheMachineNamesTheDataAndWhatItNeeds() throws Exception {
    RunSettings s = TinyData.settings(2).classes(10).build();
    TrainingMemory need = need(s, 10);
    long available = need.modelBytes() + need.dataBytes() / 2;
    Path out = tmp.resolve("run");
    try (AutoCloseable limits =
        MemoryLimits.override(new MemoryLimits(PLENTY, 0, PLENTY, available, "a test"))) {
      NotEnoughMemoryException e =
          assertThrows(NotEnoughMemoryException.class, () -> TrainingRun.create(out, s));
      assertEquals(
          shape(s).source()
              + ": training on 320 images of 28x28 needs about "
              + mib(need.nativeBytes())
              + " MiB of memory (TensorFlow keeps up to 21 copies of the data while it builds the"
              + " graph: "
              + mib(need.dataBytes())
              + " MiB), and this machine has "
              + (available >> 20)
              + " MiB available (a test); train on fewer images",
          e.getMessage());
    }
    assertFalse(Files.exists(out));

    // Exactly enough is enough.
    try (AutoCloseable limits =
            MemoryLimits.override(
                new MemoryLimits(PLENTY, 0, PLENTY, need.nativeBytes(), "a test"));
        TrainingRun run = TrainingRun.create(out, s)) {
      assertEquals(320, run.data().count());
    }
  }

  /**
   * Networks too large for the machine: the image size is named when a run is created, the run's
   * run.json when it is resumed (its network comes from there).
   */
  @Test
  void networksTooLargeNameTheImageSizeOrTheRunConfiguration() throws Exception {
    RunSettings s = TinyData.settings(2).classes(10).build();
    long available = need(s, 10).modelBytes() - 1;
    Path out = tmp.resolve("run");
    try (AutoCloseable limits =
        MemoryLimits.override(new MemoryLimits(PLENTY, 0, PLENTY, available, "a test"))) {
      InvalidSettingException e =
          assertThrows(InvalidSettingException.class, () -> TrainingRun.create(out, s));
      assertEquals("imageSize", e.setting());
      assertFalse(Files.exists(out));
    }

    Path run = TinyData.trainedRun(tmp.resolve("trained"), 2);
    byte[] config = Files.readAllBytes(run.resolve(RunFolder.CONFIG));
    try (AutoCloseable limits =
        MemoryLimits.override(new MemoryLimits(PLENTY, 0, PLENTY, available, "a test"))) {
      NotEnoughMemoryException e =
          assertThrows(NotEnoughMemoryException.class, () -> TrainingRun.resume(run));
      assertEquals(
          run.resolve(RunFolder.CONFIG)
              + ": imageSize 32 with 10 classes needs about "
              + mib(need(s, 10).modelBytes())
              + " MiB for the networks, their optimiser state, one iteration and TensorFlow"
              + " itself; this machine has "
              + (available >> 20)
              + " MiB available (a test)",
          e.getMessage());
    }
    assertEquals(new String(config), new String(Files.readAllBytes(run.resolve(RunFolder.CONFIG))));
  }

  private static DataSource.DataShape shape(RunSettings s) throws Exception {
    return s.data().shape();
  }

  private static TrainingMemory need(RunSettings s, int classes) throws Exception {
    return TrainingMemory.of(
        s.network().withNumClasses(classes), s.batchSize(), s.emaDecay() > 0, shape(s));
  }

  private static long mib(long bytes) {
    return (bytes + MIB - 1) / MIB;
  }
}
