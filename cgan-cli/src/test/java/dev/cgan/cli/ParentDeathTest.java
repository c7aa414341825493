package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.internal.QuietLauncher;
import dev.cgan.run.Checkpoints;
import dev.cgan.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI relaunches itself to silence TensorFlow; the relaunched trainer must not outlive it. */
class ParentDeathTest {
  @TempDir Path tmp;

  @Test
  void aRelaunchedTrainerCheckpointsAndStopsWhenItsLauncherIsKilled() throws Exception {
    Path data = CrashResumeTest.writeDigits(tmp.resolve("data"), 256);
    Path run = tmp.resolve("run");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                "--data",
                data.toString(),
                "--out",
                run.toString(),
                "--iterations",
                "1000000",
                "--batch",
                "32",
                "--img-size",
                "8",
                "--log-interval",
                "1",
                "--checkpoint-interval",
                "1000000"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .redirectError(tmp.resolve("err.txt").toFile());
    pb.environment().remove(QuietLauncher.LOG_LEVEL); // so that the CLI relaunches itself
    Process launcher = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (rows(run) < 3) {
        assertTrue(launcher.isAlive(), Files.readString(tmp.resolve("err.txt")));
        assertTrue(System.nanoTime() < deadline, "training did not start");
        Thread.sleep(100);
      }
      List<ProcessHandle> trainers = launcher.descendants().toList();
      assertEquals(1, trainers.size(), "one relaunched trainer");
      launcher.destroyForcibly().waitFor();
      trainers.get(0).onExit().get(60, TimeUnit.SECONDS);
      long reached =
          Checkpoints.iterationOf(RunFolder.open(run).checkpoints().latest().orElseThrow());
      assertTrue(reached >= 3, "checkpoint at iteration " + reached);
    } finally {
      launcher.descendants().forEach(ProcessHandle::destroyForcibly);
      launcher.destroyForcibly();
    }
  }

  private static long rows(Path run) throws Exception {
    Path metrics = run.resolve("metrics.csv");
    return Files.exists(metrics) ? Files.readAllLines(metrics).size() - 1 : 0;
  }
}
