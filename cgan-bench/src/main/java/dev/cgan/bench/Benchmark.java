package dev.cgan.bench;

import dev.cgan.data.DataSource;
import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.internal.AtomicFiles;
import dev.cgan.internal.CpuInfo;
import dev.cgan.model.CganConfig;
import dev.cgan.run.RunSettings;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.SavedModelExport;
import dev.cgan.train.Listeners;
import dev.cgan.train.Precision;
import dev.cgan.train.TrainingRun;
import dev.cgan.train.internal.ThreadTuning;
import dev.cgan.train.internal.TrainingThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;

/**
 * The whole benchmark of {@code cgan bench}, section by section: matmul peak, training throughput
 * with its FLOP count, generation throughput, cold start and peak memory. Sections run one after
 * another so that none competes with another for the cores.
 */
public final class Benchmark {
  /** The memory budget for training on the embedded 10k digits. */
  public static final long RSS_LIMIT_BYTES = 1L << 30;

  private static final int[] TRAIN_BATCHES = {64, 256};
  private static final int TWO_STEP_BATCH = 64;
  private static final int[] GENERATE_BATCHES = {1, 10, 1000};
  private static final String DIGITS = "0123456789";
  private static final String LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL";

  /**
   * What to run.
   *
   * @param repeats timed samples of every measurement (the median is reported)
   * @param iterations training iterations per timed sample
   * @param warmupIterations untimed training iterations before the samples
   * @param coldStartRuns child processes per cold-start command
   * @param modelIterations iterations of the throw-away model trained when {@code model} is null
   * @param model a run folder or SavedModel to generate from; null trains a throw-away one
   * @param jar the shaded CLI jar for the cold-start children; null skips cold start
   * @param intraOpThreads TensorFlow's intra-op pool size, 0 for its default
   * @param interOpThreads TensorFlow's inter-op pool size, 0 for its default
   * @param network the networks trained, counted and generated from: the reference, or a conv
   *     network ({@code bench --arch conv --width N})
   */
  public record Options(
      int repeats,
      int iterations,
      int warmupIterations,
      int coldStartRuns,
      int modelIterations,
      Path model,
      Path jar,
      int intraOpThreads,
      int interOpThreads,
      CganConfig network) {

    public Options {
      if (repeats < 1
          || iterations < 1
          || warmupIterations < 0
          || coldStartRuns < 1
          || modelIterations < 1) {
        throw new IllegalArgumentException(
            "repeats, iterations, cold-start runs and model iterations must be positive");
      }
      if (intraOpThreads < 0 || interOpThreads < 0) {
        throw new IllegalArgumentException("thread counts must not be negative");
      }
      java.util.Objects.requireNonNull(network, "network");
    }

    /** The full benchmark: 5 repeats of 50 iterations after 10 warm-up ones, 3 cold starts. */
    public static Options standard() {
      return new Options(5, 50, 10, 3, 20, null, null, 0, 0, CganConfig.reference());
    }

    /** A smoke run of a minute or two: fewer, shorter repeats; numbers are rough. */
    public static Options quick() {
      return new Options(3, 10, 3, 1, 5, null, null, 0, 0, CganConfig.reference());
    }

    /** The session options these thread counts ask for, or null for TensorFlow's defaults. */
    public ConfigProto sessionConfig() {
      if (intraOpThreads == 0 && interOpThreads == 0) {
        return null;
      }
      return ConfigProto.newBuilder()
          .setIntraOpParallelismThreads(intraOpThreads)
          .setInterOpParallelismThreads(interOpThreads)
          .build();
    }

    /** The training sessions' options: these thread counts, or the Trainer's default. */
    public ConfigProto trainingConfig() {
      ConfigProto explicit = sessionConfig();
      return explicit == null ? TrainingThreads.config() : explicit;
    }
  }

  private final Options options;
  private final Consumer<String> progress;

  /** {@code progress} receives one line as each measurement starts. */
  public Benchmark(Options options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress;
  }

  /** Runs every section and returns the numbers. */
  public BenchReport run() throws IOException {
    List<String> notes = new ArrayList<>();
    BenchReport.Machine machine =
        new BenchReport.Machine(
            TensorFlow.version(),
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.arch"),
            loadAverage(),
            threads(options.sessionConfig())
                + " for matmul, "
                + threads(options.trainingConfig())
                + " for training",
            CpuInfo.current().describe());

    if (options.sessionConfig() == null) {
      notes.add(
          "training configuration: "
              + TrainingThreads.rule(Runtime.getRuntime().availableProcessors())
              + "; oneDNN on (TensorFlow's default), XLA JIT off (changes rounding; measured"
              + " 0.43-0.99x of this step, docs/performance.md)");
      for (String choice : ThreadTuning.cachedForThisCpu(ThreadTuning.defaultCacheFile())) {
        notes.add("train's threads, measured on this CPU: " + choice);
      }
    }
    if (!TrainingThreads.perSessionPools()) {
      notes.add(
          TrainingThreads.PER_SESSION_POOLS
              + " is unset: every session ran on the intra-op threads of the first one (the"
              + " matmul's), not on those its options ask for");
    }
    if (!Precision.MIXED_BF16.supported()) {
      notes.add(
          "bf16 skipped: oneDNN dispatches "
              + CpuInfo.current().onednnIsa()
              + " here and has no bfloat16 matmul below AVX-512");
    }
    List<MatmulBench.Result> matmul = matmul();
    FlopCount flops = FlopCount.of(options.network());
    LabeledImages data = EmbeddedMnist.load();
    boolean peakReset = ProcessMemory.resetPeak();
    if (!peakReset) {
      notes.add("the kernel refused to reset the RSS peak: memory peaks count from process start");
    }
    List<BenchReport.Training> training = training(data, flops, matmul.get(0).gflops().median());
    long trainingPeak = ProcessMemory.read().map(ProcessMemory::peakBytes).orElse(-1L);

    Path tmp = Files.createTempDirectory("cgan-bench");
    try {
      Path modelDir = options.model();
      long trainerPeak = -1;
      if (modelDir == null) {
        progress.accept(
            "training a throw-away model ("
                + options.modelIterations()
                + " iterations) for generation");
        ProcessMemory.resetPeak();
        modelDir =
            throwAwayModel(
                tmp, data, spec().toBuilder().iterations(options.modelIterations()).build());
        trainerPeak = ProcessMemory.read().map(ProcessMemory::peakBytes).orElse(-1L);
      }
      BenchReport.Memory memory =
          new BenchReport.Memory(
              peakReset,
              trainingPeak,
              trainerPeak,
              options.model() == null ? options.modelIterations() : 0,
              RSS_LIMIT_BYTES);
      List<GenerationBench.Result> generation = generation(modelDir);
      List<ColdStart.Result> coldStart = List.of();
      if (options.jar() == null) {
        notes.add("cold start skipped: not running from the shaded jar");
      } else {
        coldStart = coldStart(modelDir, tmp.resolve("cold.png"));
      }

      machine = machine.withLoadAfter(loadAverage());
      // The load after includes this benchmark's own minutes on every core; only the load it
      // started into tells of competing processes.
      double load = machine.loadBefore();
      if (load > 0.5 * machine.cpus()) {
        notes.add(
            String.format(
                Locale.ROOT,
                "the machine was busy when the benchmark started (load average %.1f on %d CPUs):"
                    + " other processes competed for the cores, so the timings are lower bounds and"
                    + " their ratios are unreliable",
                load,
                machine.cpus()));
      }
      if (training.stream().anyMatch(t -> !t.bfloat16() && t.fractionOfPeak() > 1)) {
        notes.add(
            "training above 100 % of the matmul peak means the peak was measured while the machine"
                + " was busier");
      }
      String source =
          options.model() != null
              ? options.model().toString()
              : "a SavedModel trained for " + options.modelIterations() + " iterations";
      return new BenchReport(
          machine,
          options.repeats(),
          options.warmupIterations(),
          matmul,
          new BenchReport.Flops(flops),
          training,
          source,
          generation,
          coldStart,
          memory,
          notes,
          describe(options.network()));
    } finally {
      AtomicFiles.deleteRecursively(tmp);
    }
  }

  /** The 2048³ product (the peak) and 64×1024×1024, the shape of the widest layer at batch 64. */
  private List<MatmulBench.Result> matmul() {
    List<MatmulBench.Result> results = new ArrayList<>();
    for (int[] s : new int[][] {{2048, 2048, 2048}, {64, 1024, 1024}}) {
      progress.accept("matmul " + s[0] + "×" + s[1] + "×" + s[2]);
      results.add(
          MatmulBench.measure(s[0], s[1], s[2], 3, options.repeats(), options.sessionConfig()));
    }
    return results;
  }

  /**
   * Fused at every batch of {@link #TRAIN_BATCHES}, each without and with the averaged generator
   * (side by side, so the average's cost is a ratio of one run), then two-step at {@link
   * #TWO_STEP_BATCH}.
   */
  private List<BenchReport.Training> training(
      LabeledImages data, FlopCount flops, double peakGflops) {
    List<RunSettings> specs = new ArrayList<>();
    for (int batch : TRAIN_BATCHES) {
      specs.add(TrainingBench.withBatchSize(spec(), batch));
      specs.add(
          TrainingBench.withBatchSize(spec(), batch).toBuilder()
              .emaDecay(RunSettings.DEFAULT_EMA_DECAY)
              .build());
    }
    specs.add(
        TrainingBench.withBatchSize(spec(), TWO_STEP_BATCH).toBuilder().twoStep(true).build());
    List<BenchReport.Training> results = new ArrayList<>();
    for (RunSettings spec : specs) {
      results.add(training(spec, Precision.FP32, data, flops, peakGflops));
    }
    // The opt-in: matmuls in bfloat16 (AMX where present); its GFLOP/s still count fp32-equivalent
    // work.
    for (int batch : Precision.MIXED_BF16.supported() ? TRAIN_BATCHES : new int[0]) {
      results.add(
          training(
              TrainingBench.withBatchSize(spec(), batch),
              Precision.MIXED_BF16,
              data,
              flops,
              peakGflops));
    }
    return results;
  }

  private BenchReport.Training training(
      RunSettings spec,
      Precision precision,
      LabeledImages data,
      FlopCount flops,
      double peakGflops) {
    String label =
        (spec.twoStep() ? "two-step" : "fused")
            + (spec.averaged() ? " +ema" : "")
            + (precision == Precision.MIXED_BF16 ? " bf16" : "");
    progress.accept("training, batch " + spec.batchSize() + ", " + label);
    TrainingBench.Result r =
        TrainingBench.measure(
            spec,
            data,
            options.warmupIterations(),
            options.iterations(),
            options.repeats(),
            precision.sessionConfig(options.trainingConfig()));
    Stats gflops = r.imagesPerSecond().times(flops.referenceIterationFlops() / 1e9);
    return new BenchReport.Training(
        label,
        r.batchSize(),
        r.iterationsPerRepeat(),
        r.imagesPerSecond(),
        gflops,
        gflops.median() / peakGflops);
  }

  private List<GenerationBench.Result> generation(Path modelDir) throws IOException {
    List<GenerationBench.Result> results = new ArrayList<>();
    try (CganGenerator g = CganGenerator.load(modelDir)) {
      for (int batch : GENERATE_BATCHES) {
        progress.accept("generation, batch " + batch);
        results.add(GenerationBench.measure(g, batch, 5, options.repeats()));
      }
    }
    return results;
  }

  /**
   * The TensorFlow hello world, then generate twice: the CLI relaunches itself to silence
   * TensorFlow's start-up log when the variable is unset, so it is timed as users start it and with
   * the relaunch skipped.
   */
  private List<ColdStart.Result> coldStart(Path modelDir, Path png) throws IOException {
    Map<String, String> quiet = Map.of(LOG_LEVEL, "2", TrainingThreads.PER_SESSION_POOLS, "1");
    Map<String, String> unset = new HashMap<>();
    unset.put(LOG_LEVEL, null);
    List<String> generate =
        ColdStart.javaJar(
            options.jar(),
            "generate",
            "--model",
            modelDir.toString(),
            "--digits",
            DIGITS,
            "-o",
            png.toString());
    List<ColdStart.Result> results = new ArrayList<>();
    progress.accept("cold start: TensorFlow hello world");
    results.add(
        ColdStart.measure(
            "TF Java hello world",
            ColdStart.javaMain(options.jar(), HelloTensorFlow.class),
            quiet,
            null,
            options.coldStartRuns()));
    progress.accept("cold start: generate");
    results.add(
        ColdStart.measure("generate " + DIGITS, generate, quiet, png, options.coldStartRuns()));
    results.add(
        ColdStart.measure("generate " + DIGITS, generate, unset, png, options.coldStartRuns()));
    return results;
  }

  /**
   * The reference hyperparameters with seed 1 on the options' network; the benchmarks change only
   * the batch and mode.
   */
  private RunSettings spec() {
    return TrainingBench.step(options.network(), RunSettings.DEFAULT_BATCH_SIZE, false);
  }

  /**
   * Trains {@code spec} as a run in {@code dir/run} on {@code data} (checkpoints only) and exports
   * it; returns the SavedModel.
   */
  private static Path throwAwayModel(Path dir, LabeledImages data, RunSettings spec)
      throws IOException {
    RunSettings settings =
        RunSettings.builder(DataSource.idxFolder(data.writeIdx(dir.resolve("data"))))
            .network(spec.network())
            .iterations(spec.iterations())
            .batchSize(spec.batchSize())
            .seed(spec.seed())
            .sampleInterval(Integer.MAX_VALUE)
            .checkpointInterval(Integer.MAX_VALUE)
            .logInterval(10)
            .keep(1)
            .resultLabels(DIGITS)
            .build();
    Path run = dir.resolve("run");
    try (TrainingRun training = TrainingRun.create(run, settings)) {
      training.train(List.of(Listeners.checkpoints()));
    }
    return SavedModelExport.export(run, dir.resolve("saved_model"));
  }

  /** "reference MLP", or "conv, width N" for the report's headings. */
  static String describe(CganConfig network) {
    return network.arch() == dev.cgan.model.Architecture.CONV
        ? "conv, width " + network.width()
        : "reference MLP";
  }

  /** The 1-minute load average from {@code /proc/loadavg}, or NaN off Linux. */
  private static double loadAverage() {
    try {
      return Double.parseDouble(
          Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static String threads(ConfigProto config) {
    if (config == null) {
      return "TensorFlow's default";
    }
    return count(config.getIntraOpParallelismThreads())
        + " intra-op / "
        + count(config.getInterOpParallelismThreads())
        + " inter-op";
  }

  private static String count(int n) {
    return n == 0 ? "default" : Integer.toString(n);
  }
}
