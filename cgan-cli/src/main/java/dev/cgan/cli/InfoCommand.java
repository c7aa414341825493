package dev.cgan.cli;

import dev.cgan.Version;
import dev.cgan.internal.CpuInfo;
import dev.cgan.internal.Devices;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code info}: versions and the devices TensorFlow sees, e.g. to check a GPU build. */
@Command(name = "info", mixinStandardHelpOptions = true)
final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "cgan-java %s, TensorFlow %s, Java %s on %s %s, %d processors%n",
        Version.project(),
        Version.tensorflow(),
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors());
    // Speed and the last bits of results depend on this line: compare figures only when it matches.
    out.println("cpu: " + CpuInfo.current().describe());
    // What the native library's own start-up notice says of itself: its kernels are compiled for
    // AVX, the same on every CPU; only oneDNN's differ from one CPU to the next.
    out.println(
        "     TensorFlow's own kernels: built for AVX on every CPU; oneDNN's: the dispatch above");
    out.println("devices:");
    for (Devices.Device d : Devices.list()) {
      out.printf(
          Locale.ROOT,
          "  %-4s %s%s%n",
          d.type(),
          d.name(),
          d.memoryBytes() > 0
              ? String.format(Locale.ROOT, "  (%.1f GiB)", d.memoryBytes() / (double) (1L << 30))
              : "");
    }
    return Main.OK;
  }
}
