package dev.cgan.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Publication of checkpoints: keep-K pruning, an index that only ever names complete checkpoints, a
 * save that fails halfway (a full disk), clean-up after a killed save, and a diverging run that
 * keeps its last good checkpoint.
 */
class CheckpointsTest {
  private static final String DATA = ".data-00000-of-00001";

  @TempDir Path tmp;

  /** A one-variable graph: checkpoints of a few bytes, so these tests run in milliseconds. */
  private static final class OneVariable implements AutoCloseable {
    final Graph graph = new Graph();
    final Session session;
    private final Variable<TFloat32> w;
    private final Placeholder<TFloat32> value;
    private final Op set;

    OneVariable() {
      Ops tf = Ops.create(graph);
      w = tf.withName("w").variable(tf.withInitScope().constant(new float[] {0, 0, 0}));
      value = tf.placeholder(TFloat32.class);
      set = tf.assign(w, value);
      session = new Session(graph);
      session.initialize();
    }

    void set(float v) {
      try (TFloat32 t = TFloat32.vectorOf(v, v, v)) {
        session.runner().feed(value, t).addTarget(set).run().close();
      }
    }

    float get() {
      try (Result r = session.runner().fetch(w).run()) {
        return ((TFloat32) r.get(0)).getFloat(0);
      }
    }

    /** The value a checkpoint holds, read back through a fresh graph. */
    static float restored(Path prefix) {
      try (OneVariable fresh = new OneVariable()) {
        fresh.session.restore(prefix.toString());
        return fresh.get();
      }
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  @Test
  void keepsTheNewestKAndTheIndexNamesOnlyCompleteCheckpoints() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 3);
    try (OneVariable net = new OneVariable()) {
      for (int it = 1; it <= 5; it++) {
        net.set(it);
        checkpoints.save(net.session, it);
        assertIndexNamesCompleteCheckpoints(checkpoints, dir);
      }
    }
    assertEquals(List.of("ckpt-3", "ckpt-4", "ckpt-5"), checkpoints.list());
    assertEquals(files("checkpoint", "ckpt-3", "ckpt-4", "ckpt-5"), listing(dir));
    assertEquals(5, Checkpoints.iterationOf(checkpoints.latest().orElseThrow()));
    assertEquals(5f, OneVariable.restored(checkpoints.latest().orElseThrow()));
    assertEquals(3f, OneVariable.restored(dir.resolve("ckpt-3")));
  }

  /**
   * A crash between publishing a checkpoint and rotating the old ones leaves one that the index
   * forgot (here ckpt-1 with keep 3): the next save rotates it like any other.
   */
  @Test
  void aCheckpointTheIndexForgotIsRotatedLikeAnyOther() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 3);
    try (OneVariable net = new OneVariable()) {
      for (int it = 1; it <= 4; it++) {
        checkpoints.save(net.session, it);
      }
      // The state after a kill just after ckpt-4's index: ckpt-1 published but never deleted.
      Files.copy(dir.resolve("ckpt-2.index"), dir.resolve("ckpt-1.index"));
      Files.copy(dir.resolve("ckpt-2" + DATA), dir.resolve("ckpt-1" + DATA));
      assertEquals(4, checkpoints.onDisk().size());
      checkpoints.save(net.session, 5);
    }
    assertEquals(List.of("ckpt-3", "ckpt-4", "ckpt-5"), checkpoints.list());
    assertEquals(files("checkpoint", "ckpt-3", "ckpt-4", "ckpt-5"), listing(dir));
  }

  /** Names that only look like checkpoints are ignored with a warning, not parsed into a crash. */
  @Test
  void lookAlikeNamesAreIgnoredWithAWarning() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 3);
    try (OneVariable net = new OneVariable()) {
      net.set(2);
      checkpoints.save(net.session, 2);
      for (String odd : new String[] {"ckpt-99999999999999999999", "ckpt-007"}) {
        Files.copy(dir.resolve("ckpt-2.index"), dir.resolve(odd + ".index"));
        Files.copy(dir.resolve("ckpt-2" + DATA), dir.resolve(odd + DATA));
      }
      assertEquals(List.of(dir.resolve("ckpt-2")), checkpoints.onDisk());
      List<String> warnings = new java.util.ArrayList<>();
      try (OneVariable fresh = new OneVariable()) {
        Checkpoints.Resolution r =
            checkpoints.restoreNewest(fresh.session::restore, "the graph", warnings::add);
        assertEquals(dir.resolve("ckpt-2"), r.restored());
        assertEquals(2f, fresh.get());
      }
      assertEquals(2, warnings.size(), warnings.toString());
      assertTrue(
          warnings
              .get(1)
              .startsWith(
                  "warning: ignored "
                      + dir.resolve("ckpt-99999999999999999999.index")
                      + ": not a checkpoint name"),
          warnings.toString());
    }
  }

  @Test
  void keepOneLeavesOnlyTheNewest() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 1);
    try (OneVariable net = new OneVariable()) {
      for (int it = 10; it <= 30; it += 10) {
        checkpoints.save(net.session, it);
      }
    }
    assertEquals(List.of("ckpt-30"), checkpoints.list());
    assertEquals(files("checkpoint", "ckpt-30"), listing(dir));
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> new Checkpoints(dir, 0));
    assertEquals("keep must be at least 1, got 0", zero.getMessage());
  }

  /** A full disk: the writer gets part of the data out, then fails as the file system does. */
  @Test
  void aSaveThatFailsMidwayLeavesThePreviousCheckpointAndTheIndexUnchanged() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 3);
    try (OneVariable net = new OneVariable()) {
      net.set(2);
      checkpoints.save(net.session, 2);
      byte[] index = Files.readAllBytes(dir.resolve("checkpoint"));

      net.set(4);
      Checkpoints.Writer diskFull =
          prefix -> {
            net.session.save(prefix);
            try (RandomAccessFile data = new RandomAccessFile(prefix + DATA, "rw")) {
              data.setLength(data.length() / 2);
            }
            // TensorFlow writes through "<file>.tempstate<n>" and renames; a failure strands one.
            Files.writeString(Path.of(prefix + DATA + ".tempstate42"), "partial");
            throw new IOException("No space left on device");
          };
      IOException e = assertThrows(IOException.class, () -> checkpoints.save(diskFull, 4));
      assertEquals(
          "cannot save checkpoint ckpt-4 in "
              + dir
              + ": No space left on device; the previous checkpoint ckpt-2 is intact",
          e.getMessage());

      assertArrayEquals(index, Files.readAllBytes(dir.resolve("checkpoint")));
      assertEquals(List.of("ckpt-2"), checkpoints.list());
      // No temporary or half-written file is left, even before cleanUp runs.
      assertEquals(files("checkpoint", "ckpt-2"), listing(dir));
      assertEquals(2f, OneVariable.restored(checkpoints.latest().orElseThrow()));

      // Once there is room again, saving goes on as before.
      checkpoints.save(net.session, 6);
      assertEquals(List.of("ckpt-2", "ckpt-6"), checkpoints.list());
      assertEquals(4f, OneVariable.restored(checkpoints.latest().orElseThrow()));
    }
  }

  @Test
  void aFirstSaveThatFailsLeavesNothing() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 3);
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                checkpoints.save(
                    prefix -> {
                      Files.writeString(Path.of(prefix + ".index"), "x");
                      throw new IOException("No space left on device");
                    },
                    1));
    assertTrue(
        e.getMessage().endsWith("No space left on device; there is no earlier checkpoint"),
        e.getMessage());
    assertEquals(Set.of(), listing(dir));
    assertTrue(checkpoints.latest().isEmpty());
  }

  /** What SIGKILL can leave at each step of a save, and what cleanUp makes of it. */
  @Test
  void cleanUpRemovesOnlyTheTemporaryFilesOfAKilledSave() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 2);
    try (OneVariable net = new OneVariable()) {
      net.set(2);
      checkpoints.save(net.session, 2);
      net.set(3);
      checkpoints.save(net.session, 3);
    }
    // Killed inside TensorFlow's write, between the renames, and before the old ones were pruned.
    for (String stray :
        List.of(
            "ckpt-5.tmp999.index.tempstate7",
            "ckpt-5.tmp999" + DATA,
            "checkpoint.tmp999",
            "ckpt-4" + DATA,
            "ckpt-4.index",
            "ckpt-1.index",
            "ckpt-1" + DATA)) {
      Files.writeString(dir.resolve(stray), "stray");
    }
    Files.createDirectories(dir.resolve("ckpt-6.tmp999_temp"));
    Files.writeString(dir.resolve("ckpt-6.tmp999_temp/part-00000-of-00001.index"), "stray");
    checkpoints.cleanUp();
    // Files the index does not name are not deleted for that: they may be the only good copy.
    assertEquals(files("checkpoint", "ckpt-1", "ckpt-2", "ckpt-3", "ckpt-4"), listing(dir));
    assertEquals(List.of("ckpt-2", "ckpt-3"), checkpoints.list());
  }

  @Test
  void withoutAnIndexCleanUpRemovesOnlyTemporaryFiles() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("ckpt-2.tmp999.index"), "stray");
    Files.writeString(dir.resolve("ckpt-2" + DATA), "unpublished");
    Checkpoints checkpoints = new Checkpoints(dir, 3);
    checkpoints.cleanUp();
    assertEquals(Set.of("ckpt-2" + DATA), listing(dir));
    assertTrue(checkpoints.latest().isEmpty());
  }

  @Test
  void latestSkipsAListedCheckpointWhoseFilesAreGone() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 3);
    try (OneVariable net = new OneVariable()) {
      checkpoints.save(net.session, 1);
      checkpoints.save(net.session, 2);
    }
    Files.delete(dir.resolve("ckpt-2" + DATA));
    assertEquals(1, Checkpoints.iterationOf(checkpoints.latest().orElseThrow()));
  }

  /** A trainer rotating checkpoints away while a reader lists them: the reader looks again. */
  @Test
  void aCheckpointRotatedAwayMidReadMakesTheReaderTakeTheNewerOne() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 1);
    try (OneVariable net = new OneVariable();
        OneVariable reader = new OneVariable()) {
      net.set(1);
      checkpoints.save(net.session, 1);
      boolean[] rotated = {false};
      Checkpoints.Resolution r =
          checkpoints.restoreNewest(
              prefix -> {
                if (!rotated[0]) {
                  rotated[0] = true;
                  // The trainer publishes ckpt-2 and prunes ckpt-1 between listing and reading.
                  net.set(2);
                  try {
                    checkpoints.save(net.session, 2);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }
                reader.session.restore(prefix);
              },
              "the test graph",
              w -> {
                throw new AssertionError("no warning expected: " + w);
              });
      assertEquals(dir.resolve("ckpt-2"), r.restored());
      assertEquals(2f, reader.get());
      assertEquals(List.of(), r.skipped());
    }
  }

  @Test
  void aCheckpointOfAnotherShapeDoesNotFitAndIsNotSkipped() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    Checkpoints checkpoints = new Checkpoints(dir, 3);
    try (OneVariable net = new OneVariable()) {
      checkpoints.save(net.session, 1);
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      tf.withName("w").variable(tf.withInitScope().constant(new float[] {0, 0}));
      try (Session s = new Session(g)) {
        Checkpoints.UnfitCheckpointException e =
            assertThrows(
                Checkpoints.UnfitCheckpointException.class,
                () -> checkpoints.restoreNewest(s::restore, "the model in x/run.json", w -> {}));
        assertTrue(
            e.getMessage()
                .startsWith(
                    "checkpoint "
                        + dir.resolve("ckpt-1")
                        + " does not fit the model in x/run.json: "),
            e.getMessage());
      }
    }
  }

  private static void assertIndexNamesCompleteCheckpoints(Checkpoints checkpoints, Path dir)
      throws IOException {
    for (String name : checkpoints.list()) {
      assertTrue(Files.isRegularFile(dir.resolve(name + ".index")), name);
      assertTrue(Files.isRegularFile(dir.resolve(name + DATA)), name);
    }
  }

  /** The file names of a set of checkpoints, plus any other names given as they are. */
  private static Set<String> files(String... names) {
    Set<String> all = new TreeSet<>();
    for (String n : names) {
      if (n.startsWith("ckpt-")) {
        all.add(n + ".index");
        all.add(n + DATA);
      } else {
        all.add(n);
      }
    }
    return all;
  }

  private static Set<String> listing(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static long usedBytes(Path mount) throws IOException {
    var store = Files.getFileStore(mount);
    return store.getTotalSpace() - store.getUnallocatedSpace();
  }

  private static boolean sh(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
