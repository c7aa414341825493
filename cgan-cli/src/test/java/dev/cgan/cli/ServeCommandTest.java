package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve}'s refusals: one line each, usage errors before the model loads. */
class ServeCommandTest {
  @TempDir static Path tmp;
  static Path run;

  @BeforeAll
  static void trainATinyRun() throws Exception {
    Path data = CrashResumeTest.writeDigits(tmp.resolve("data"), 64);
    run = tmp.resolve("run");
    CliTest.Outcome o =
        CliTest.cgan(
            "train",
            "--data",
            data.toString(),
            "--out",
            run.toString(),
            "--iterations",
            "2",
            "--batch",
            "32",
            "--sample-interval",
            "2",
            "--log-interval",
            "2");
    assertEquals(0, o.code(), o.err());
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheOption() {
    CliTest.Outcome port = CliTest.cgan("serve", "--model", run.toString(), "--port", "70000");
    assertEquals(Main.USAGE, port.code());
    assertTrue(
        port.err().startsWith("error: --port port must be 0 to 65535, got 70000"), port.err());
    CliTest.Outcome name = CliTest.cgan("serve", "--model", run.toString(), "--name", "a/b");
    assertEquals(Main.USAGE, name.code());
    assertTrue(name.err().contains("--name model name must be letters"), name.err());
    CliTest.Outcome weights = CliTest.cgan("serve", "--model", run.toString(), "--weights", "x");
    assertEquals(Main.USAGE, weights.code());
  }

  @Test
  void aMissingModelOrABusyPortIsOneLine() throws Exception {
    CliTest.Outcome missing = CliTest.cgan("serve", "--model", tmp.resolve("nope").toString());
    assertEquals(Main.FAILED, missing.code());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliTest.Outcome o =
          CliTest.cgan(
              "serve", "--model", run.toString(), "--port", Integer.toString(busy.getLocalPort()));
      assertEquals(Main.FAILED, o.code(), o.err());
      assertTrue(
          o.err().startsWith("error: cannot listen on 127.0.0.1:" + busy.getLocalPort()), o.err());
      assertEquals(1, o.err().strip().lines().count(), o.err());
    }
  }
}
