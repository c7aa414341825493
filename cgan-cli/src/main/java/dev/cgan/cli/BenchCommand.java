package dev.cgan.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bench}: training and matmul throughput of this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure training images/s and dense matmul GFLOP/s.")
final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new IllegalStateException("not built yet");
  }
}
