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
    run = CliTest.tinyRun(tmp);
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheOption() {
    CliTest.Outcome port = CliTest.cgan("serve", "--model", run.toString(), "--port", "70000");
    assertEquals(Main.USAGE, port.code());
    assertTrue(port.err().startsWith("error: --port must be 0 to 65535, got 70000"), port.err());
    CliTest.Outcome name = CliTest.cgan("serve", "--model", run.toString(), "--name", "a/b");
    assertEquals(Main.USAGE, name.code());
    assertTrue(name.err().startsWith("error: --name must be letters"), name.err());
    String[][] hosts = {
      {"999.1.1.1", "--host 999.1.1.1 is not an IPv4 address (four numbers from 0 to 255)"},
      {"1.2.3", "--host 1.2.3 is not an IPv4 address (four numbers from 0 to 255)"},
      {"no-such-host.invalid", "--host no-such-host.invalid is not a host name this machine can"},
      {"192.0.2.1", "--host 192.0.2.1 (192.0.2.1) is not an address of this machine"},
    };
    for (String[] h : hosts) {
      CliTest.Outcome o = CliTest.cgan("serve", "--model", run.toString(), "--host", h[0]);
      assertEquals(Main.USAGE, o.code(), o.err());
      assertTrue(o.err().startsWith("error: " + h[1]), o.err());
    }
    CliTest.Outcome drain =
        CliTest.cgan("serve", "--model", run.toString(), "--drain-seconds", "301");
    assertEquals(Main.USAGE, drain.code());
    assertEquals(
        "error: --drain-seconds must be 0 to 300, got 301", drain.err().lines().findFirst().get());
    CliTest.Outcome log =
        CliTest.cgan(
            "serve",
            "--model",
            run.toString(),
            "--access-log",
            tmp.resolve("no/such/a.log").toString());
    assertEquals(Main.USAGE, log.code(), log.err());
    assertTrue(
        log.err().startsWith("error: --access-log " + tmp.resolve("no/such/a.log") + " cannot be"),
        log.err());
    CliTest.Outcome weights = CliTest.cgan("serve", "--model", run.toString(), "--weights", "x");
    assertEquals(Main.USAGE, weights.code());
  }

  @Test
  void aModelThatCannotGenerateIsRefusedAtStartNamingItsFolder() throws Exception {
    Path broken = tmp.resolve("broken-export");
    assertEquals(
        0, CliTest.cgan("export", "--model", run.toString(), "--out", broken.toString()).code());
    java.nio.file.Files.delete(broken.resolve("variables/variables.index"));
    CliTest.Outcome o = CliTest.cgan("serve", "--model", broken.toString(), "--port", "0");
    assertEquals(Main.FAILED, o.code(), o.err());
    assertTrue(o.err().startsWith("error: " + broken), o.err());
    assertEquals(1, o.err().strip().lines().count(), o.err());
  }

  @Test
  void versionAndBatchingOptionsAreUsageErrorsNamingTheOption() {
    String m = run.toString();
    String base = tmp.toString();
    String[][] cases = {
      {"--model and --model-base-path exclude each other", "--model", m, "--model-base-path", base},
      {"give --model DIR (a run or SavedModel) or --model-base-path DIR"},
      {"--versions is for --model-base-path", "--model", m, "--versions", "all"},
      {"--poll-seconds is for --model-base-path", "--model", m, "--poll-seconds", "5"},
      {"--versions: 'x1' is not 'latest', 'all'", "--model-base-path", base, "--versions", "x1"},
      {
        "--versions: a version is a whole number from 1",
        "--model-base-path",
        base,
        "--versions",
        "0"
      },
      {
        "--poll-seconds must be 0 (no polling) to 86400, got -1",
        "--model-base-path",
        base,
        "--poll-seconds",
        "-1"
      },
      {"--max-batch-size is for --batching", "--model", m, "--max-batch-size", "8"},
      {"--batch-timeout-micros is for --batching", "--model", m, "--batch-timeout-micros", "8"},
      {
        "--max-batch-size must be 1 to 1024, got 0",
        "--model",
        m,
        "--batching",
        "--max-batch-size",
        "0"
      },
      {
        "--batch-timeout-micros must be 0 to 1000000, got 2000000",
        "--model",
        m,
        "--batching",
        "--batch-timeout-micros",
        "2000000"
      },
    };
    for (String[] c : cases) {
      String[] args = new String[c.length];
      args[0] = "serve";
      System.arraycopy(c, 1, args, 1, c.length - 1);
      CliTest.Outcome o = CliTest.cgan(args);
      assertEquals(Main.USAGE, o.code(), o.err());
      assertTrue(o.err().startsWith("error: " + c[0]), o.err());
      assertTrue(o.err().lines().skip(1).allMatch(l -> l.startsWith("Try ")), o.err());
    }
    CliTest.Outcome missing =
        CliTest.cgan("serve", "--model-base-path", tmp.resolve("nope").toString());
    assertEquals(Main.FAILED, missing.code(), missing.err());
    assertTrue(missing.err().contains("does not exist (the model base path"), missing.err());
  }

  @Test
  void allowedHostsAreCheckedAsOptions() {
    CliTest.Outcome o =
        CliTest.cgan("serve", "--model", run.toString(), "--allowed-hosts", "ok.example,bad:80");
    assertEquals(Main.USAGE, o.code(), o.err());
    assertTrue(
        o.err().startsWith("error: --allowed-hosts: allowed host 'bad:80' must be"), o.err());
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
