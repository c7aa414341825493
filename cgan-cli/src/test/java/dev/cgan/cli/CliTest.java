package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.image.Png;
import dev.cgan.internal.QuietLauncher;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, one-line errors, files written. */
class CliTest {
  @TempDir static Path tmp;
  static Path data;
  static Path run;

  /** What one invocation printed and returned. */
  record Outcome(int code, String out, String err) {}

  /** {@code tmp/run}: 2 iterations at batch 32 on 64 digits in {@code tmp/data}, by the CLI. */
  static Path tinyRun(Path tmp) throws IOException {
    return tinyRun(tmp, 64, 2);
  }

  /**
   * {@code tmp/run}: {@code iterations} at batch 32 on {@code digits} digits written to {@code
   * tmp/data}, samples and metrics every 2 iterations, {@code more} options after, by the CLI.
   */
  static Path tinyRun(Path tmp, int digits, int iterations, String... more) throws IOException {
    Path data = CrashResumeTest.writeDigits(tmp.resolve("data"), digits);
    Path run = tmp.resolve("run");
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                run.toString(),
                "--iterations",
                Integer.toString(iterations),
                "--batch",
                "32",
                "--sample-interval",
                "2",
                "--log-interval",
                "2"));
    args.addAll(List.of(more));
    Outcome o = cgan(args.toArray(String[]::new));
    assertEquals(0, o.code(), o.err());
    return run;
  }

  static Outcome cgan(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void trainATinyRun() throws Exception {
    run = tinyRun(tmp, 256, 4, "--digits", "2026112701");
    data = tmp.resolve("data");
  }

  @Test
  void trainWritesTheRunFolder() throws Exception {
    for (String f :
        new String[] {
          "run.json",
          "metrics.csv",
          "samples/2.png",
          "samples/4.png",
          "checkpoints/checkpoint",
          "saved_model/saved_model.pb",
          "result.png"
        }) {
      assertTrue(Files.exists(run.resolve(f)), f);
    }
    BufferedImage result = Png.read(run.resolve("result.png"));
    assertEquals(320, result.getWidth());
    assertEquals(32, result.getHeight());
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void generateIsDeterministicForTheSameSeed() throws Exception {
    Path a = tmp.resolve("a.png"), b = tmp.resolve("b.png");
    assertEquals(
        0,
        cgan(
                "generate",
                "--model",
                run.toString(),
                "--digits",
                "0123",
                "--seed",
                "7",
                "-o",
                a.toString())
            .code());
    assertEquals(
        0,
        cgan(
                "generate",
                "--model",
                run.toString(),
                "--digits",
                "0123",
                "--seed",
                "7",
                "-o",
                b.toString())
            .code());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertEquals(128, Png.read(a).getWidth());
  }

  @Test
  void aBadDigitIsNamedWithItsPosition() {
    Outcome o = cgan("generate", "--model", run.toString(), "--digits", "12a4");
    assertEquals(Main.USAGE, o.code());
    assertEquals("error: not a digit: 'a' at position 3 of --digits 12a4", o.err().strip());
  }

  @Test
  void usageErrorsExitWithTwoAndNoStackTrace() {
    Outcome missing = cgan("generate", "--digits", "1");
    assertEquals(Main.USAGE, missing.code());
    assertTrue(missing.err().contains("Missing required option: '--model=DIR'"), missing.err());

    Outcome seed = cgan("generate", "--model", run.toString(), "--digits", "1", "--seed", "abc");
    assertEquals(Main.USAGE, seed.code());
    assertTrue(seed.err().contains("--seed") && seed.err().contains("abc"), seed.err());

    Outcome batch =
        cgan("train", "--out", tmp.resolve("b0").toString(), "--batch", "0", "--iterations", "1");
    assertEquals(Main.USAGE, batch.code());
    assertTrue(batch.err().contains("--batch must be at least 2"), batch.err());

    for (Outcome o : new Outcome[] {missing, seed, batch}) {
      assertFalse(o.err().contains("\tat "), o.err());
    }
  }

  @Test
  void runtimeErrorsExitWithOneAndNameTheCulprit() {
    Outcome noModel = cgan("generate", "--model", tmp.resolve("nope").toString(), "--digits", "1");
    assertEquals(Main.FAILED, noModel.code());
    assertTrue(noModel.err().contains("nope does not exist"), noModel.err());

    Outcome notModel = cgan("generate", "--model", data.toString(), "--digits", "1");
    assertEquals(Main.FAILED, notModel.code());
    assertTrue(notModel.err().contains("neither a training run"), notModel.err());

    Outcome noDir =
        cgan(
            "generate",
            "--model",
            run.toString(),
            "--digits",
            "1",
            "-o",
            tmp.resolve("missing/x.png").toString());
    assertEquals(Main.FAILED, noDir.code());
    assertTrue(
        noDir.err().contains("does not exist") && noDir.err().contains("missing"), noDir.err());
    assertEquals(1, noDir.err().strip().lines().count(), noDir.err());
  }

  @Test
  void resumeRefusesSettingsThatDefineTheRunAndGoingBack() {
    Outcome batch = cgan("train", "--resume", run.toString(), "--batch", "16");
    assertEquals(Main.USAGE, batch.code());
    assertTrue(batch.err().contains("--batch cannot change when a run is resumed"), batch.err());
    Outcome back = cgan("train", "--resume", run.toString(), "--iterations", "2");
    assertEquals(Main.USAGE, back.code());
    assertTrue(back.err().contains("already at iteration 4"), back.err());
  }

  @Test
  void anExistingRunIsNotOverwritten() {
    Outcome o =
        cgan(
            "train",
            "--data",
            data.toString(),
            "--out",
            run.toString(),
            "--iterations",
            "1",
            "--batch",
            "32");
    assertEquals(Main.FAILED, o.code());
    assertTrue(o.err().contains("already holds a run"), o.err());
  }

  @Test
  void generateTakesClassIndicesToo() throws Exception {
    Path a = tmp.resolve("l.png");
    assertEquals(
        0,
        cgan("generate", "--model", run.toString(), "--labels", "3,1,4", "-o", a.toString())
            .code());
    assertEquals(96, Png.read(a).getWidth());
    Outcome bad = cgan("generate", "--model", run.toString(), "--labels", "3,x");
    assertEquals(Main.USAGE, bad.code());
    assertTrue(bad.err().contains("not a class index: 'x' at position 2"), bad.err());
    Outcome both = cgan("generate", "--model", run.toString(), "--labels", "3", "--digits", "3");
    assertEquals(Main.USAGE, both.code());
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void generateSameStyleGivesEqualTilesForEqualDigits() throws Exception {
    Path same = tmp.resolve("same.png"), plain = tmp.resolve("plain.png");
    Outcome o =
        cgan(
            "generate",
            "--model",
            run.toString(),
            "--digits",
            "2026112701",
            "--same-style",
            "-o",
            same.toString());
    assertEquals(0, o.code(), o.err());
    assertEquals(
        0,
        cgan(
                "generate",
                "--model",
                run.toString(),
                "--digits",
                "2026112701",
                "-o",
                plain.toString())
            .code());
    BufferedImage s = Png.read(same), p = Png.read(plain);
    // Digits 2 at positions 0, 2 and 6; 1 at 4, 5 and 9; 0 at 1 and 8.
    for (int[] pair : new int[][] {{0, 2}, {0, 6}, {4, 5}, {4, 9}, {1, 8}}) {
      assertArrayEquals(tile(s, pair[0]), tile(s, pair[1]), "tiles " + Arrays.toString(pair));
      assertFalse(Arrays.equals(tile(p, pair[0]), tile(p, pair[1])), "without --same-style");
    }
    assertFalse(Arrays.equals(tile(s, 0), tile(s, 1)), "a 2 and a 0");
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  /**
   * The new code path changes nothing it need not: a truncation beyond every latent entry (through
   * generate_styled) writes the bytes the plain command writes; a tight one changes them.
   */
  @Test
  void generateTruncationThatCutsNothingWritesTheSameBytes() throws Exception {
    Path plain = tmp.resolve("t-plain.png"), wide = tmp.resolve("t-wide.png");
    Path tight = tmp.resolve("t-tight.png");
    String[] base = {"generate", "--model", run.toString(), "--digits", "0123456789", "-o"};
    assertEquals(0, cgan(concat(base, plain.toString())).code());
    assertEquals(0, cgan(concat(base, wide.toString(), "--truncation", "1000")).code());
    assertEquals(0, cgan(concat(base, tight.toString(), "--truncation", "0.5")).code());
    assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(wide));
    assertFalse(Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(tight)));
  }

  @Test
  void interpolateWritesALoopingGifOfStepsFrames() throws Exception {
    Path gif = tmp.resolve("style.gif");
    Outcome o =
        cgan(
            "interpolate",
            "--model",
            run.toString(),
            "--digits",
            "0123",
            "--seeds",
            "7,8",
            "--steps",
            "6",
            "--fps",
            "5",
            "-o",
            gif.toString());
    assertEquals(0, o.code(), o.err());
    assertEquals("wrote " + gif + " (6 frames)", o.out().strip());
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertEquals(6, reader.getNumImages(true));
      for (int i = 0; i < 6; i++) {
        assertEquals(128, reader.getWidth(i));
        assertEquals(32, reader.getHeight(i));
        IIOMetadataNode root =
            (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
        IIOMetadataNode control =
            (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
        assertEquals("20", control.getAttribute("delayTime"), "1/5 s");
        if (i == 0) {
          IIOMetadataNode loop =
              (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
          assertEquals("NETSCAPE", loop.getAttribute("applicationID"));
          assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) loop.getUserObject());
        }
      }
      reader.dispose();
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void interpolateWritesAGridPngWithOneRowPerFrame() throws Exception {
    Path grid = tmp.resolve("classes.png");
    Outcome o =
        cgan(
            "interpolate",
            "--model",
            run.toString(),
            "--classes",
            "3,8",
            "--seed",
            "7",
            "--steps",
            "5",
            "-o",
            grid.toString());
    assertEquals(0, o.code(), o.err());
    BufferedImage g = Png.read(grid);
    assertEquals(32, g.getWidth());
    assertEquals(5 * 32, g.getHeight());
    // The first and last rows are the two classes in seed 7's one style.
    Path three = tmp.resolve("three.png");
    cgan("generate", "--model", run.toString(), "--digits", "3", "--same-style", "-o", "" + three);
    assertArrayEquals(tile(Png.read(three), 0), tile(g.getSubimage(0, 0, 32, 32), 0));
  }

  @Test
  void interpolateFollowsTheOutputRulesOfGenerate() throws Exception {
    String[] base = {"interpolate", "--model", run.toString(), "--classes", "1,2", "--steps", "2"};
    // A symbolic link is written through: its target is replaced, the link stays.
    Path target = Files.writeString(tmp.resolve("target.gif"), "old");
    Path link = Files.createSymbolicLink(tmp.resolve("link.gif"), target);
    assertEquals(0, cgan(concat(base, "-o", link.toString())).code());
    assertTrue(Files.isSymbolicLink(link));
    assertTrue(
        Files.readString(target, java.nio.charset.StandardCharsets.ISO_8859_1)
            .startsWith("GIF89a"));
    // A folder is refused and left as it is.
    Path folder = Files.createDirectories(tmp.resolve("folder.png"));
    Outcome o = cgan(concat(base, "-o", folder.toString()));
    assertEquals(Main.FAILED, o.code());
    assertEquals(
        "error: cannot write " + folder + ": it is a folder, where a file was expected",
        o.err().strip());
    assertTrue(Files.isDirectory(folder));
    // A missing folder is named, in one line.
    Path missing = tmp.resolve("missing/x.gif");
    o = cgan(concat(base, "-o", missing.toString()));
    assertEquals(Main.FAILED, o.code());
    assertEquals(
        "error: cannot write " + missing + ": directory " + missing.getParent() + " does not exist",
        o.err().strip());
  }

  private static byte[] tile(BufferedImage strip, int i) {
    return (byte[]) strip.getRaster().getDataElements(i * 32, 0, 32, 32, new byte[1024]);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void versionInfoAndCompletion() {
    Outcome version = cgan("--version");
    assertEquals(0, version.code());
    assertTrue(
        version.out().matches("(?s)cgan-java \\S+\\s+TensorFlow 2\\.18\\.0.*"), version.out());
    Outcome info = cgan("info");
    assertEquals(0, info.code());
    assertTrue(info.out().contains("device:CPU:0"), info.out());
    assertTrue(
        info.out().contains("\ncpu: ") && info.out().contains("; oneDNN dispatch "), info.out());
    Outcome completion = cgan("generate-completion");
    assertEquals(0, completion.code());
    assertTrue(
        completion.out().contains("complete -F") && completion.out().contains("generate"),
        completion.out());
  }

  @Test
  void tensorFlowStartUpNoiseIsRecognised() {
    assertTrue(
        QuietLauncher.isNoise(
            "WARNING: All log messages before absl::InitializeLog() is called are written to"
                + " STDERR"));
    assertTrue(
        QuietLauncher.isNoise(
            "I0000 00:00:1795791865.858316 5756 mlir_graph_optimization_pass.cc:401] MLIR V1"
                + " optimization pass is not enabled"));
    assertFalse(QuietLauncher.isNoise("error: not a digit: 'a' at position 3 of --digits 12a4"));
  }

  @Test
  void helpShowsAnExample() {
    for (String cmd : new String[] {"train", "generate", "interpolate", "export", "info"}) {
      Outcome o = cgan(cmd, "--help");
      assertEquals(0, o.code());
      assertTrue(o.out().contains("java -jar cgan-cli.jar " + cmd), o.out());
    }
  }
}
