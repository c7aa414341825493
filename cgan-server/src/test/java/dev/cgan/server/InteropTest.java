package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.model.Architecture;
import dev.cgan.model.CganConfig;
import dev.cgan.serve.CganGenerator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code scripts/interop_serve.py}: TensorFlow for Python loads the export and checks the server's
 * pixels bit for bit (and its float images to within 1e-5: another TensorFlow build). Runs where a
 * Python with tensorflow is at {@code .venv-ci/bin/python} (what {@code .ci/run} installs) or
 * {@code CGAN_TF_PYTHON}; skipped, saying so, elsewhere.
 */
@ExtendWith(TinyModel.Prepared.class)
class InteropTest {
  static Path python() {
    String env = System.getenv("CGAN_TF_PYTHON");
    return env != null ? Path.of(env) : Path.of("..", ".venv-ci", "bin", "python").toAbsolutePath();
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void tensorFlowForPythonAgreesWithTheServerBitForBit() throws Exception {
    Path python = requirePython();
    agree(python, TinyModel.savedModel(), TinyModel.server().uri(), true);
  }

  /**
   * The conv network's export (width 4, 32×32) through the same four signatures: its convolutions,
   * resizes and BatchNorm run in TensorFlow for Python as they do in Java. The pixels are equal but
   * where a float sits within an ulp of a rounding tie: TensorFlow 2.18's and 2.21's oneDNN
   * convolutions add in another order when capped at AVX2 (one pixel of 3,072 moved there on an AMD
   * EPYC), which the script checks pixel by pixel and reports.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void tensorFlowForPythonAgreesOnAConvExport() throws Exception {
    Path python = requirePython();
    Path savedModel = TinyModel.export(CganConfig.conv(4));
    try (CganGenerator g = CganGenerator.load(savedModel);
        CganServer server = CganServer.start(g, CganServer.Settings.defaults().withPort(0))) {
      assertEquals(Architecture.CONV, g.config().arch());
      agree(python, savedModel, server.uri(), false);
    }
  }

  private static Path requirePython() {
    Path python = python();
    Skip.unless(
        Files.isExecutable(python),
        "InteropTest: no Python with tensorflow at "
            + python
            + " (bash .ci/run makes .venv-ci; or set CGAN_TF_PYTHON): the interop check is"
            + " skipped");
    return python;
  }

  /**
   * Runs the script on {@code savedModel} against the server at {@code server}; {@code bitForBit}:
   * no pixel may differ, not even at a rounding tie.
   */
  private static void agree(Path python, Path savedModel, URI server, boolean bitForBit)
      throws Exception {
    Path script = Path.of("..", "scripts", "interop_serve.py").toAbsolutePath();
    String url = server + "v1/models/cgan";
    ProcessBuilder pb =
        new ProcessBuilder(python.toString(), script.toString(), savedModel.toString(), url)
            .redirectErrorStream(true);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.environment().put("CUDA_VISIBLE_DEVICES", "");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains(bitForBit ? "agree bit for bit" : "OK: "), out);
    out.lines().filter(l -> l.startsWith("OK:")).forEach(System.out::println);
  }
}
