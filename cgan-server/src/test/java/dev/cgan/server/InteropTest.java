package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code scripts/interop_serve.py}: TensorFlow for Python loads the export and checks the server's
 * pixels bit for bit (and its float images to within 1e-5: another TensorFlow build). Runs where a
 * Python with tensorflow is at {@code .venv-ci/bin/python} (what {@code .ci/run} installs) or
 * {@code CGAN_TF_PYTHON}; skipped, saying so, elsewhere.
 */
class InteropTest {
  static Path python() {
    String env = System.getenv("CGAN_TF_PYTHON");
    return env != null ? Path.of(env) : Path.of("..", ".venv-ci", "bin", "python").toAbsolutePath();
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void tensorFlowForPythonAgreesWithTheServerBitForBit() throws Exception {
    Path python = python();
    Skip.unless(
        Files.isExecutable(python),
        "InteropTest: no Python with tensorflow at "
            + python
            + " (bash .ci/run makes .venv-ci; or set CGAN_TF_PYTHON): the interop check is"
            + " skipped");
    Path script = Path.of("..", "scripts", "interop_serve.py").toAbsolutePath();
    String url = TinyModel.server().uri() + "v1/models/cgan";
    ProcessBuilder pb =
        new ProcessBuilder(
                python.toString(), script.toString(), TinyModel.savedModel().toString(), url)
            .redirectErrorStream(true);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.environment().put("CUDA_VISIBLE_DEVICES", "");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("agree bit for bit"), out);
    out.lines().filter(l -> l.startsWith("OK:")).forEach(System.out::println);
  }
}
