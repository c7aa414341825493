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
