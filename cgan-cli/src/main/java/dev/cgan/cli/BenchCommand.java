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
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure dense matmul GFLOP/s, training images/s and GFLOP/s (batch 64, 256, two-step),"
          + " generation images/s (batch 1, 10, 1000), the cold start of 'generate' and peak memory"
          + " while training.",
      "Each number is the median of several repeats, with min–max. Progress goes to stderr."
    },
    footer = {
      "",
      "Examples:",
      "  java -jar cgan-cli.jar bench",
      "  java -jar cgan-cli.jar bench --quick --json > bench.json",
      "  java -jar cgan-cli.jar bench --arch conv --width 32",
      "  java -jar cgan-cli.jar bench --peers peers.json   # after scripts/peers/compare.py --out"
          + " peers.json"
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--repeats",
      paramLabel = "N",
      description = "Timed repeats per measurement (default: 5, quick: 3).")
  Integer repeats;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      description = "Training iterations per timed repeat (default: 50, quick: 10).")
  Integer iterations;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "Untimed training iterations first (default: 10, quick: 3).")
  Integer warmup;

  @Option(
      names = "--quick",
      description = "Fewer and shorter repeats, one cold start: a smoke run, rough numbers.")
  boolean quick;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Run folder or SavedModel to generate from (default: train a throw-away one).")
  Path model;

  @Option(
      names = "--intra-op-threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "TensorFlow intra-op threads for every measurement; 0: TensorFlow's default for the"
              + " matmul, the trainer's (half the cores) for training (default: ${DEFAULT-VALUE}).")
  int intraOpThreads;

  @Option(
      names = "--inter-op-threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "TensorFlow inter-op threads for every measurement; 0: TensorFlow's default for the"
              + " matmul, the trainer's (2) for training (default: ${DEFAULT-VALUE}).")
  int interOpThreads;

  @Option(
      names = "--arch",
      paramLabel = "A",
      defaultValue = "mlp",
      description =
          "mlp (the reference) or conv: which networks the training, FLOP count, generation and"
              + " memory sections measure (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(
      names = "--width",
      paramLabel = "N",
      description = "Base channels of the conv networks (default: 32; conv only).")
  Integer width;

  @Option(names = "--json", description = "Print the report as JSON instead of a table.")
  boolean json;

  @Option(
      names = "--peers",
      paramLabel = "FILE",
      description =
          "Print the side-by-side table that scripts/peers/compare.py --out FILE wrote (cgan-java"
              + " against JAX, TensorFlow and PyTorch, ratios to the fastest peer) and exit.")
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
