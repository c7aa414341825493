package dev.cgan.cli;

import static dev.cgan.cli.BadInputTest.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train}'s {@code --arch} and {@code --width} refused where they make no network: usage exit
 * code, one line naming the option, and not a byte written, neither a new run folder nor a change
 * to the folder it would go in or to a resumed run.
 */
class ConvOptionsTest {
  @TempDir static Path tmp;

  /** A reference run and a conv run (width 4, 16×16), 2 iterations each. */
  static Path mlpRun, convRun;

  @BeforeAll
  static void trainTwoTinyRuns() throws Exception {
    mlpRun = CliTest.tinyRun(tmp.resolve("mlp"), 64, 2);
    convRun =
        CliTest.tinyRun(
            tmp.resolve("conv"), 64, 2, "--arch", "conv", "--width", "4", "--img-size", "16");
    assertTrue(Files.readString(convRun.resolve("run.json")).contains("\"conv\""));
    assertFalse(Files.readString(mlpRun.resolve("run.json")).contains("\"arch\""));
  }

  @Test
  void anUnknownArchitectureIsRefused() throws Exception {
    assertRefusedNew("--arch must be mlp or conv, got 'foo'", "--arch", "foo");
    assertRefusedNew("--arch must be mlp or conv, got ''", "--arch", "");
  }

  @Test
  void aWidthOutsideTwoTo1024IsRefused() throws Exception {
    for (String w : new String[] {"0", "1", "-3", "1025"}) {
      assertRefusedNew(
          "--width must be 2 to 1024 base channels, got " + w, "--arch", "conv", "--width", w);
    }
  }

  @Test
  void aWidthWithoutTheConvNetworkIsRefused() throws Exception {
    assertRefusedNew("--width applies to --arch conv only", "--width", "8");
    assertRefusedNew("--width applies to --arch conv only", "--arch", "mlp", "--width", "8");
  }

  @Test
  void anImageSizeTheConvNetworkCannotMakeIsRefused() throws Exception {
    for (String px : new String[] {"30", "8", "36"}) {
      assertRefusedNew(
          "--img-size must be B·2ⁿ with B from 3 to 8 and n at least 2 for the conv network",
          "--arch",
          "conv",
          "--img-size",
          px);
    }
  }

  @Test
  void theConvDiscriminatorTakesADropoutRateAndRecordsIt() throws Exception {
    Path run =
        CliTest.tinyRun(
            tmp.resolve("conv-dropout"),
            64,
            2,
            "--arch",
            "conv",
            "--width",
            "4",
            "--img-size",
            "16",
            "--dropout",
            "0.3");
    assertTrue(Files.readString(run.resolve("run.json")).contains("\"dropoutRate\": 0.3"));
    assertRefusedNew("--dropout must be in [0, 1), got 1.0", "--arch", "conv", "--dropout", "1");
  }

  @Test
  void aResumeKeepsItsArchitectureAndWidth() throws Exception {
    String[][] cases = {
      {mlpRun.toString(), "--arch", "conv"},
      {mlpRun.toString(), "--arch", "mlp"},
      {mlpRun.toString(), "--width", "8"},
      {convRun.toString(), "--arch", "mlp"},
      {convRun.toString(), "--width", "4"},
      {convRun.toString(), "--width", "8"},
    };
    for (String[] c : cases) {
      Path run = Path.of(c[0]);
      Map<String, String> before = HostileRunFolderTest.snapshot(run);
      assertFailure(
          CliTest.cgan("train", "--resume", c[0], "--iterations", "4", c[1], c[2]),
          Main.USAGE,
          c[1]
              + " cannot change when a run is resumed: it keeps the settings in "
              + run.resolve("run.json"));
      assertEquals(before, HostileRunFolderTest.snapshot(run), String.join(" ", c));
    }
  }

  @Test
  void benchRefusesTheSameValuesBeforeMeasuringAnything() {
    assertFailure(
        CliTest.cgan("bench", "--arch", "foo"),
        Main.USAGE,
        "--arch must be mlp or conv, got 'foo'");
    assertFailure(
        CliTest.cgan("bench", "--width", "8"), Main.USAGE, "--width applies to --arch conv only");
    assertFailure(
        CliTest.cgan("bench", "--arch", "conv", "--width", "0"),
        Main.USAGE,
        "--width must be 2 to 1024 base channels, got 0");
  }

  /**
   * {@code train --out parent/new} with {@code options} fails with usage exit code and {@code
   * message}, and {@code parent} (holding a file of its own) is as it was.
   */
  private static void assertRefusedNew(String message, String... options) throws Exception {
    Path parent = Files.createTempDirectory(tmp, "parent");
    Files.writeString(parent.resolve("keep.txt"), "not the run's");
    Map<String, String> before = HostileRunFolderTest.snapshot(parent);
    Path out = parent.resolve("new");
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--data",
                tmp.resolve("mlp/data").toString(),
                "--out",
                out.toString(),
                "--iterations",
                "2",
                "--batch",
                "8"));
    args.addAll(List.of(options));
    assertFailure(CliTest.cgan(args.toArray(String[]::new)), Main.USAGE, message);
    assertFalse(Files.exists(out), "a refused train wrote " + out);
    assertEquals(before, HostileRunFolderTest.snapshot(parent), String.join(" ", options));
  }
}
