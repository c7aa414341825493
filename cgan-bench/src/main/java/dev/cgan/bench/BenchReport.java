package dev.cgan.bench;

import com.google.gson.GsonBuilder;
import java.util.List;
import java.util.Locale;

/**
 * The numbers of one {@link Benchmark} run, printable as a table for people or as JSON for scripts.
 * Every timing is a {@link Stats} over the repeats: the median with min–max.
 *
 * @param machine where it ran
 * @param repeats timed samples per measurement
 * @param warmupIterations untimed training iterations before each training measurement
 * @param matmul dense float32 matmul GFLOP/s; the first is the peak the training is compared with
 * @param flops the FLOP count per image that converts images/s to GFLOP/s
 * @param training training throughput per configuration
 * @param generationModel what the generation and cold-start measurements loaded
 * @param generation generation throughput per batch size
 * @param coldStart child-process wall times; empty when skipped
 * @param memory peak resident memory while training
 * @param notes anything that limits what the numbers mean
 * @param network the networks trained: "reference MLP" or "conv, width N"
 */
public record BenchReport(
    Machine machine,
    int repeats,
    int warmupIterations,
    List<MatmulBench.Result> matmul,
    Flops flops,
    List<Training> training,
    String generationModel,
    List<GenerationBench.Result> generation,
    List<ColdStart.Result> coldStart,
    Memory memory,
    List<String> notes,
    String network) {

  /**
   * The machine and runtime.
   *
   * @param loadBefore the 1-minute load average when the benchmark started; above 0 on an idle
   *     machine means other work competed for the cores
   * @param loadAfter the same when it ended
   * @param sessionThreads the TensorFlow thread pools used
   * @param cpu the processor model, its vector extensions and oneDNN's dispatch ISA: figures from
   *     two runs compare only when this matches
   */
  public record Machine(
      String tensorflow,
      String java,
      int cpus,
      String arch,
      double loadBefore,
      double loadAfter,
      String sessionThreads,
      String cpu) {
    Machine(
        String tensorflow,
        String java,
        int cpus,
        String arch,
        double loadBefore,
        String sessionThreads,
        String cpu) {
      this(tensorflow, java, cpus, arch, loadBefore, Double.NaN, sessionThreads, cpu);
    }

    Machine withLoadAfter(double load) {
      return new Machine(tensorflow, java, cpus, arch, loadBefore, load, sessionThreads, cpu);
    }
  }

  /**
   * The FLOP count of {@link FlopCount}, flattened for the report.
   *
   * @param generatorMacs G, forward multiply-adds per image
   * @param discriminatorMacs D, forward multiply-adds per image
   * @param referenceIterationMacs 3G + 8D
   * @param referenceIterationFlops 2·(3G + 8D), the factor applied to images/s
   * @param fusedGraphMacs 3G + 7D (conv: 3G + 6D), what the fused graph executes
   * @param derivation the count written out
   */
  public record Flops(
      long generatorMacs,
      long discriminatorMacs,
      long referenceIterationMacs,
      long referenceIterationFlops,
      long fusedGraphMacs,
      String derivation) {
    Flops(FlopCount c) {
      this(
          c.generatorForwardMacs(),
          c.discriminatorForwardMacs(),
          c.referenceIterationMacs(),
          c.referenceIterationFlops(),
          c.fusedGraphMacs(),
          c.derivation());
    }
  }

  /**
   * One training configuration.
   *
   * @param mode "fused" or "two-step", followed by " bf16" for {@code --precision bf16}
   * @param iterationsPerRepeat iterations per timed sample
   * @param gflops images/s × reference FLOP per image
   * @param fractionOfPeak median GFLOP/s over the 2048³ matmul median
   */
  public record Training(
      String mode,
      int batchSize,
      int iterationsPerRepeat,
      Stats imagesPerSecond,
      Stats gflops,
      double fractionOfPeak) {
    /** Whether the matmuls ran in bfloat16, so that the float32 peak is no ceiling for them. */
    public boolean bfloat16() {
      return mode.endsWith(" bf16");
    }
  }

  /**
   * Peak resident set sizes (bytes; −1 when unknown).
   *
   * @param peakWasReset whether the peaks below start at their section rather than at process start
   * @param trainingBenchPeak peak while the training measurements ran (graphs built one at a time)
   * @param trainerPeak peak while {@code Trainer.train} made the throw-away model
   * @param trainerIterations its iterations; 0 when a model was given
   * @param limit the issue's budget
   */
  public record Memory(
      boolean peakWasReset,
      long trainingBenchPeak,
      long trainerPeak,
      long trainerIterations,
      long limit) {}

  /** Pretty-printed JSON of every field. */
  public String toJson() {
    return new GsonBuilder()
        .setPrettyPrinting()
        .serializeSpecialFloatingPointValues()
        .create()
        .toJson(this);
  }

  /** A plain-text table, one section per measurement. */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    Machine m = machine;
    line(
        sb,
        "cgan-java bench: TensorFlow %s, Java %s, %d CPUs (%s), threads %s",
        m.tensorflow(),
        m.java(),
        m.cpus(),
        m.arch(),
        m.sessionThreads());
    line(sb, "CPU: %s", m.cpu());
    line(
        sb,
        "%d repeats per measurement, median [min–max]; load average %.2f before, %.2f after",
        repeats,
        m.loadBefore(),
        m.loadAfter());

    section(sb, "Dense float32 matmul (TensorFlow MatMul)");
    line(sb, "  %-18s %s", "m×k×n", "GFLOP/s");
    for (MatmulBench.Result r : matmul) {
      line(sb, "  %-18s %s", r.shape(), stats(r.gflops(), 1));
    }

    boolean conv = !network.equals("reference MLP");
    section(
        sb,
        "FLOP per image of one training iteration ("
            + network
            + (conv ? ": convolutions and dense layers" : ": dense layers only")
            + ")");
    for (String s : flops.derivation().split("\\R")) {
      line(sb, "  %s", s);
    }

    section(
        sb,
        String.format(
            Locale.ROOT,
            "Training (%s, reference hyperparameters, embedded 10k digits, %d warm-up"
                + " iterations)",
            network,
            warmupIterations));
    line(
        sb,
        "  %-10s %5s %6s  %-28s %-26s %s",
        "mode",
        "batch",
        "iters",
        "images/s",
        "GFLOP/s",
        "of peak");
    for (Training t : training) {
      line(
          sb,
          "  %-10s %5d %6d  %-28s %-26s %5.1f %%%s",
          t.mode(),
          t.batchSize(),
          t.iterationsPerRepeat(),
          stats(t.imagesPerSecond(), 0),
          stats(t.gflops(), 1),
          100 * t.fractionOfPeak(),
          t.bfloat16() ? " (bfloat16 work against the float32 peak)" : "");
    }

    section(sb, "Generation (CganGenerator.pixels; " + generationModel + ")");
    line(sb, "  %5s %8s  %s", "batch", "calls", "images/s");
    for (GenerationBench.Result g : generation) {
      line(sb, "  %5d %8d  %s", g.batchSize(), g.callsPerSample(), stats(g.imagesPerSecond(), 0));
    }

    if (!coldStart.isEmpty()) {
      section(sb, "Cold start (child JVM, process start to exit)");
      for (ColdStart.Result c : coldStart) {
        line(
            sb,
            "  %-20s %-28s %s s (%d runs)",
            c.name(),
            c.environment(),
            stats(c.seconds(), 2),
            c.seconds().count());
      }
    }

    section(
        sb,
        "Peak resident memory (VmHWM"
            + (memory.peakWasReset() ? ", reset per section)" : ", since process start)"));
    line(sb, "  %-36s %s", "training benchmark (batch 64, 256)", mib(memory.trainingBenchPeak()));
    if (memory.trainerIterations() > 0) {
      line(
          sb,
          "  %-36s %s",
          "Trainer.train, " + memory.trainerIterations() + " iterations",
          mib(memory.trainerPeak()));
    }
    long worst = Math.max(memory.trainingBenchPeak(), memory.trainerPeak());
    line(
        sb,
        "  %-36s %s",
        "within the 1 GiB budget",
        worst < 0 ? "unknown" : (worst <= memory.limit() ? "yes" : "NO"));

    if (!notes.isEmpty()) {
      section(sb, "Notes");
      notes.forEach(n -> line(sb, "  - %s", n));
    }
    return sb.toString();
  }

  private static String stats(Stats s, int decimals) {
    String f = "%." + decimals + "f";
    return String.format(Locale.ROOT, f + " [" + f + "–" + f + "]", s.median(), s.min(), s.max());
  }

  private static String mib(long bytes) {
    return bytes < 0
        ? "unknown"
        : String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
  }

  private static void section(StringBuilder sb, String title) {
    sb.append(System.lineSeparator()).append(title).append(System.lineSeparator());
  }

  private static void line(StringBuilder sb, String format, Object... args) {
    sb.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }
}
