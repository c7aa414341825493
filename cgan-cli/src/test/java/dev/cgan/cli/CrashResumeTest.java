package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.IdxWriter;
import dev.cgan.data.LabeledImages;
import dev.cgan.image.Png;
import dev.cgan.internal.QuietLauncher;
import dev.cgan.run.Checkpoints;
import dev.cgan.run.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real training in a child JVM, killed with SIGKILL at random moments (one of them while a
 * checkpoint is being written) and stopped once with SIGTERM, then resumed to the end: the result
 * is the run that was never interrupted, bit for bit, and the run folder holds nothing torn.
 */
class CrashResumeTest {
  private static final int TOTAL = 120;
  private static final Pattern ITER = Pattern.compile("(?m)^iter +(\\d+) ");
  private static final Pattern STOPPED =
      Pattern.compile("stopped at iteration (\\d+) and saved a checkpoint");
  private static final Pattern ROW = Pattern.compile("^\\d+,\\d+(,-?\\d+\\.\\d+){6}$");
  private static final String DATA = ".data-00000-of-00001";

  @TempDir Path tmp;

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void killedAndStoppedAtRandomMomentsThenResumedItIsTheUninterruptedRun() throws Exception {
    Path data = writeDigits(tmp.resolve("data"), 256);
    Path run = tmp.resolve("run");
    List<String> settings =
        List.of(
            "--data",
            data.toString(),
            "--iterations",
            Integer.toString(TOTAL),
            "--batch",
            "32",
            "--img-size",
            "8",
            "--seed",
            "3",
            "--checkpoint-interval",
            "2",
            "--log-interval",
            "1",
            "--sample-interval",
            "4");
    List<String> fresh = new ArrayList<>(List.of("train", "--out", run.toString()));
    fresh.addAll(settings);
    Random random = new Random(20261127);
    Map<String, byte[]> samplesBefore = new TreeMap<>();
    boolean killedDuringASave = false;
    // What happened when, for the messages of failed assertions.
    StringBuilder history = new StringBuilder();

    // SIGKILLs after a random few hundred milliseconds, or as soon as a save is under way; the
    // latter again (a few times at most) while none has landed before the save ended.
    long newest = 0;
    for (int round = 0; round < 3 || (!killedDuringASave && round < 7); round++) {
      boolean duringSave = round >= 1 && !killedDuringASave;
      Child child =
          Child.start(
              tmp,
              round == 0 ? fresh : List.of("train", "--resume", run.toString()),
              "kill" + round);
      child.awaitFirstIteration();
      if (duringSave) {
        awaitOrFail(
            () -> saveUnderWay(run) || !child.process.isAlive(), "a checkpoint save to begin");
      } else {
        Thread.sleep(random.nextInt(400));
      }
      child.process.destroyForcibly();
      int code = child.exitCode();
      assertTrue(code == 137 || code == 0, "exit code " + code + "\n" + child.err());
      killedDuringASave |= duringSave && saveUnderWay(run);

      // The killed process had continued from the newest complete checkpoint.
      assertEquals(newest + 1, child.firstIteration(), child.out());
      assertIndexNamesOnlyCompleteCheckpoints(run);
      newest = newestCheckpoint(run);
      history.append(
          String.format(
              "SIGKILL %d%s: exit %d, newest checkpoint %d%n",
              round, duringSave ? " (during a save)" : "", code, newest));
      samplesBefore.putAll(samples(run));
    }
    assertTrue(killedDuringASave, "no kill landed while a checkpoint was being written");

    // SIGTERM: the shutdown hook waits while the trainer checkpoints the iteration reached.
    Child stopped = Child.start(tmp, List.of("train", "--resume", run.toString()), "term");
    stopped.awaitFirstIteration();
    Thread.sleep(random.nextInt(300));
    stopped.process.destroy();
    int code = stopped.exitCode();
    assertTrue(
        code == 143 || code == TrainCommand.INTERRUPTED,
        "exit code " + code + "\n" + stopped.err());
    assertEquals(newest + 1, stopped.firstIteration(), stopped.out());
    Matcher at = STOPPED.matcher(stopped.out());
    assertTrue(at.find(), stopped.out() + stopped.err());
    long reached = Long.parseLong(at.group(1));
    history.append(String.format("SIGTERM: exit %d, stopped at %d%n", code, reached));
    assertEquals(reached, newestCheckpoint(run));
    List<String> rows = rows(run);
    assertEquals(reached, Long.parseLong(rows.get(rows.size() - 1).split(",")[0]));
    samplesBefore.putAll(samples(run));

    // Resume to the configured total, in this JVM.
    CliTest.Outcome done = CliTest.cgan("train", "--resume", run.toString());
    assertEquals(Main.OK, done.code(), done.err());
    Matcher first = ITER.matcher(done.out());
    assertTrue(first.find(), done.out());
    assertEquals(reached + 1, Long.parseLong(first.group(1)));

    // The same run, never interrupted.
    Path straight = tmp.resolve("straight");
    List<String> again = new ArrayList<>(List.of("train", "--out", straight.toString()));
    again.addAll(settings);
    CliTest.Outcome reference = CliTest.cgan(again.toArray(String[]::new));
    assertEquals(Main.OK, reference.code(), reference.err());

    // metrics.csv: one complete row per iteration, in order, with the uninterrupted run's losses.
    List<String> resumedRows = rows(run), straightRows = rows(straight);
    assertEquals(TOTAL, resumedRows.size());
    for (int i = 0; i < TOTAL; i++) {
      String row = resumedRows.get(i);
      assertTrue(ROW.matcher(row).matches(), "torn row " + row);
      assertEquals(i + 1, Long.parseLong(row.split(",")[0]), row);
      assertEquals(
          lossColumns(straightRows.get(i)),
          lossColumns(row),
          "row " + (i + 1) + " after\n" + history);
    }

    // Samples: every grid readable, those written before the crashes unchanged, all as
    // uninterrupted.
    Map<String, byte[]> resumedSamples = samples(run), straightSamples = samples(straight);
    assertEquals(straightSamples.keySet(), resumedSamples.keySet());
    for (var e : resumedSamples.entrySet()) {
      assertEquals(
          80, Png.read(run.resolve("samples").resolve(e.getKey())).getHeight(), e.getKey());
      assertArrayEquals(straightSamples.get(e.getKey()), e.getValue(), e.getKey());
    }
    for (var e : samplesBefore.entrySet()) {
      assertArrayEquals(e.getValue(), resumedSamples.get(e.getKey()), e.getKey());
    }

    // Checkpoints: the newest three, nothing else left behind.
    assertEquals(
        List.of("ckpt-" + (TOTAL - 4), "ckpt-" + (TOTAL - 2), "ckpt-" + TOTAL),
        RunFolder.open(run).checkpoints().list());
    assertEquals(
        new TreeSet<>(
            List.of(
                "checkpoint",
                "ckpt-116.index",
                "ckpt-116" + DATA,
                "ckpt-118.index",
                "ckpt-118" + DATA,
                "ckpt-120.index",
                "ckpt-120" + DATA)),
        names(run.resolve("checkpoints")));

    // Final weights: generate gives the same bytes from both runs.
    Path a = tmp.resolve("resumed.png"), b = tmp.resolve("straight.png");
    assertEquals(
        Main.OK,
        CliTest.cgan(
                "generate",
                "--model",
                run.toString(),
                "--digits",
                "0123456789",
                "--seed",
                "11",
                "-o",
                a.toString())
            .code());
    assertEquals(
        Main.OK,
        CliTest.cgan(
                "generate",
                "--model",
                straight.toString(),
                "--digits",
                "0123456789",
                "--seed",
                "11",
                "-o",
                b.toString())
            .code());
    assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    assertArrayEquals(
        Files.readAllBytes(straight.resolve("result.png")),
        Files.readAllBytes(run.resolve("result.png")));
    // The default is the averaged generator; the raw weights agree as well, and differ from it.
    Map<String, byte[]> raw = new TreeMap<>();
    for (Path model : List.of(run, straight)) {
      Path png = tmp.resolve(model.getFileName() + "-raw.png");
      CliTest.Outcome g =
          CliTest.cgan(
              "generate",
              "--model",
              model.toString(),
              "--weights",
              "raw",
              "--digits",
              "0123456789",
              "--seed",
              "11",
              "-o",
              png.toString());
      assertEquals(Main.OK, g.code(), g.err());
      raw.put(model.getFileName().toString(), Files.readAllBytes(png));
    }
    assertArrayEquals(raw.get("straight"), raw.get("run"));
    assertFalse(java.util.Arrays.equals(raw.get("run"), Files.readAllBytes(a)));
  }

  /** {@code --iterations} is the run's total: given with --resume, it extends the run. */
  @Test
  void resumeWithMoreIterationsExtendsTheRun() throws Exception {
    Path data = writeDigits(tmp.resolve("data"), 64);
    Path run = tmp.resolve("run");
    CliTest.Outcome o =
        CliTest.cgan(
            "train",
            "--data",
            data.toString(),
            "--out",
            run.toString(),
            "--iterations",
            "3",
            "--batch",
            "16",
            "--img-size",
            "8",
            "--log-interval",
            "1");
    assertEquals(Main.OK, o.code(), o.err());
    // Without a length, a finished run has nothing left to do.
    o = CliTest.cgan("train", "--resume", run.toString());
    assertEquals(Main.OK, o.code(), o.err());
    assertTrue(o.out().contains("done: 3 iterations"), o.out());

    o = CliTest.cgan("train", "--resume", run.toString(), "--iterations", "5");
    assertEquals(Main.OK, o.code(), o.err());
    Matcher first = ITER.matcher(o.out());
    assertTrue(first.find(), o.out());
    assertEquals(4, Long.parseLong(first.group(1)));
    assertEquals(5, RunFolder.open(run).settings().iterations());
    assertEquals(
        5, Checkpoints.iterationOf(RunFolder.open(run).checkpoints().latest().orElseThrow()));
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L),
        rows(run).stream().map(r -> Long.parseLong(r.split(",")[0])).toList());

    // --epochs is a total too: 64 images at batch 16 are 4 iterations an epoch.
    o = CliTest.cgan("train", "--resume", run.toString(), "--epochs", "2");
    assertEquals(Main.OK, o.code(), o.err());
    assertEquals(8, RunFolder.open(run).settings().iterations());
    assertEquals(8, rows(run).size());
  }

  /** A training JVM of its own, its output in files. */
  private record Child(Process process, Path outFile, Path errFile) {
    static Child start(Path dir, List<String> args, String name) throws IOException {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx512m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName()));
      cmd.addAll(args);
      Path out = dir.resolve(name + ".out"), err = dir.resolve(name + ".err");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      // Set, so that the CLI trains in this process instead of relaunching itself quietly.
      pb.environment().put(QuietLauncher.LOG_LEVEL, "2");
      // Kernels that have a deterministic variant use it, as in the surefire JVM (parent pom).
      pb.environment().put("TF_DETERMINISTIC_OPS", "1");
      return new Child(pb.start(), out, err);
    }

    void awaitFirstIteration() throws Exception {
      awaitOrFail(
          () -> ITER.matcher(read(outFile)).find() || !process.isAlive(),
          "the first iteration of " + outFile.getFileName());
      if (!process.isAlive()) {
        fail("the training process ended early (" + process.exitValue() + "):\n" + out() + err());
      }
    }

    long firstIteration() {
      Matcher m = ITER.matcher(out());
      assertTrue(m.find(), out());
      return Long.parseLong(m.group(1));
    }

    int exitCode() throws InterruptedException {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("the training process did not end");
      }
      return process.exitValue();
    }

    String out() {
      return read(outFile);
    }

    String err() {
      return read(errFile);
    }

    private static String read(Path p) {
      try {
        return Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }
  }

  private static void awaitOrFail(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(1);
    }
  }

  /** A save is under way (or was cut short): a temporary file in the checkpoints folder. */
  private static boolean saveUnderWay(Path run) {
    try {
      return names(run.resolve("checkpoints")).stream().anyMatch(n -> n.contains(".tmp"));
    } catch (IOException e) {
      return false;
    }
  }

  private static void assertIndexNamesOnlyCompleteCheckpoints(Path run) throws IOException {
    List<String> listed = RunFolder.open(run).checkpoints().list();
    for (String name : listed) {
      assertTrue(Files.isRegularFile(run.resolve("checkpoints").resolve(name + ".index")), name);
      assertTrue(Files.isRegularFile(run.resolve("checkpoints").resolve(name + DATA)), name);
    }
  }

  private static long newestCheckpoint(Path run) throws IOException {
    return RunFolder.open(run).checkpoints().latest().map(Checkpoints::iterationOf).orElse(0L);
  }

  /** The data rows of metrics.csv; a last line without a newline would show up as torn. */
  private static List<String> rows(Path run) throws IOException {
    String text = Files.readString(run.resolve("metrics.csv"));
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    assertTrue(lines.get(0).startsWith("iteration,"), text);
    return lines.subList(1, lines.size()).stream().filter(l -> !l.isEmpty()).toList();
  }

  /** Iteration, epoch and the four losses and scores: what the weights decide, not the clock. */
  private static String lossColumns(String row) {
    return Arrays.stream(row.split(",")).limit(6).collect(Collectors.joining(","));
  }

  /** The sample grids; a hidden temporary file a kill cut short is not a sample. */
  private static Map<String, byte[]> samples(Path run) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    Path dir = run.resolve("samples");
    for (String name : names(dir).stream().filter(n -> !n.startsWith(".")).toList()) {
      out.put(name, Files.readAllBytes(dir.resolve(name)));
    }
    return out;
  }

  private static TreeSet<String> names(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return new TreeSet<>();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static Path writeDigits(Path dir, int n) throws IOException {
    LabeledImages digits = EmbeddedMnist.load().subset(0, n);
    IdxWriter.writeUbyte(
        dir.resolve("train-images-idx3-ubyte.gz"), digits.pixels(), new int[] {n, 28, 28}, true);
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) digits.label(i);
    }
    IdxWriter.writeUbyte(dir.resolve("train-labels-idx1-ubyte"), labels, new int[] {n}, false);
    return dir;
  }
}
