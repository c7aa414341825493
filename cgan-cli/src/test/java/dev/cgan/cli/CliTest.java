package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.image.Png;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

  static Outcome cgan(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void trainATinyRun() throws Exception {
    data = CrashResumeTest.writeDigits(tmp.resolve("data"), 256);
    run = tmp.resolve("run");
    Outcome o =
        cgan(
            "train",
            "--data",
            data.toString(),
            "--out",
            run.toString(),
            "--iterations",
            "4",
            "--batch",
            "32",
            "--sample-interval",
            "2",
            "--log-interval",
            "2",
            "--digits",
            "2026112701");
    assertEquals(0, o.code(), o.err());
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

  @Test
  void versionInfoAndCompletion() {
    Outcome version = cgan("--version");
    assertEquals(0, version.code());
    assertTrue(
        version.out().matches("(?s)cgan-java \\S+\\s+TensorFlow 2\\.18\\.0.*"), version.out());
    Outcome info = cgan("info");
    assertEquals(0, info.code());
    assertTrue(info.out().contains("device:CPU:0"), info.out());
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
    for (String cmd : new String[] {"train", "generate", "export", "info"}) {
      Outcome o = cgan(cmd, "--help");
      assertEquals(0, o.code());
      assertTrue(o.out().contains("java -jar cgan-cli.jar " + cmd), o.out());
    }
  }
}
