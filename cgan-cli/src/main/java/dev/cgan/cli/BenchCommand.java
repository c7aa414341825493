package dev.cgan.cli;

import dev.cgan.bench.BenchReport;
import dev.cgan.bench.Benchmark;
import dev.cgan.bench.ColdStart;
import dev.cgan.bench.PeerTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: matmul peak, training and generation throughput, cold start and memory. */
@Command(name = "bench", mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--repeats", paramLabel = "N")
  Integer repeats;

  @Option(names = "--iterations", paramLabel = "N")
  Integer iterations;

  @Option(names = "--warmup", paramLabel = "N")
  Integer warmup;

  @Option(names = "--quick")
  boolean quick;

  @Option(names = "--model", paramLabel = "DIR")
  Path model;

  @Option(names = "--intra-op-threads", paramLabel = "N", defaultValue = "0")
  int intraOpThreads;

  @Option(names = "--inter-op-threads", paramLabel = "N", defaultValue = "0")
  int interOpThreads;

  @Option(names = "--arch", paramLabel = "A", defaultValue = "mlp")
  String arch;

  @Option(names = "--width", paramLabel = "N")
  Integer width;

  @Option(names = "--json")
  boolean json;

  @Option(names = "--peers", paramLabel = "FILE")
  Path peers;

  @Override
  public Integer call() throws IOException {
    if (peers != null) {
      spec.commandLine().getOut().print(PeerTable.render(peers));
      spec.commandLine().getOut().flush();
      return Main.OK;
    }
    Benchmark.Options base = quick ? Benchmark.Options.quick() : Benchmark.Options.standard();
    Benchmark.Options options =
        new Benchmark.Options(
            repeats != null ? repeats : base.repeats(),
            iterations != null ? iterations : base.iterations(),
            warmup != null ? warmup : base.warmupIterations(),
            base.coldStartRuns(),
            base.modelIterations(),
            model,
            ColdStart.jarOf(Main.class).orElse(null),
            intraOpThreads,
            interOpThreads,
            TrainNetwork.architecture(spec, arch, width));
    PrintWriter err = spec.commandLine().getErr();
    BenchReport report = new Benchmark(options, line -> err.println("bench: " + line)).run();
    spec.commandLine()
        .getOut()
        .print(json ? report.toJson() + System.lineSeparator() : report.toTable());
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
