package dev.cgan.cli;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.DataSource;
import dev.cgan.data.MnistDownloader;
import dev.cgan.eval.EvaluationListener;
import dev.cgan.eval.Evaluator;
import dev.cgan.model.CganConfig;
import dev.cgan.serve.RunProducts;
import dev.cgan.train.Listeners;
import dev.cgan.train.Precision;
import dev.cgan.train.RunSettings;
import dev.cgan.train.TrainingListener;
import dev.cgan.train.TrainingRun;
import dev.cgan.train.internal.TrainingThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code train}: trains a CGAN into a run folder, then renders result.png and exports it. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Train the conditional GAN (the reference network and losses) into a run folder.",
    footer = {
      "",
      "Examples:",
      "  java -jar cgan-cli.jar train --out run                       # embedded 10k MNIST digits",
      "  java -jar cgan-cli.jar train --dataset mnist --epochs 5 --out run-full",
      "  java -jar cgan-cli.jar train --images x.idx --labels y.idx --img-size 16 --class-names"
          + " a,b,c",
      "  java -jar cgan-cli.jar train --resume run --iterations 20000"
    })
final class TrainCommand implements Callable<Integer> {
  /** Exit code after Ctrl-C / SIGTERM, as shells report a SIGINT death (128 + 2). */
  static final int INTERRUPTED = 130;

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Folder with train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz].")
  Path data;

  @Option(
      names = "--images",
      paramLabel = "FILE",
      description = "IDX uint8 images [N, H, W] (with --labels).")
  Path imagesFile;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description = "IDX uint8 labels [N] (with --images).")
  Path labelsFile;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      defaultValue = "embedded",
      description =
          "embedded (the 10k MNIST digits in the jar) or mnist (download the 60k training digits);"
              + " default: ${DEFAULT-VALUE}.")
  String dataset;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Download cache for --dataset mnist (default: $CGAN_CACHE_DIR/mnist or"
              + " ~/.cache/cgan-java/mnist).")
  Path cacheDir;

  @Option(
      names = "--mirror",
      paramLabel = "URL",
      description =
          "Base URL to download MNIST from, tried in the order given (repeatable; default: public"
              + " mirrors).")
  List<String> mirrors = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "RUN",
      defaultValue = "run",
      description = "Run folder to create (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--resume",
      paramLabel = "RUN",
      description = "Continue the run in RUN from its newest checkpoint.")
  Path resume;

  @ArgGroup(exclusive = true)
  Length length;

  static final class Length {
    @Option(
        names = "--epochs",
        paramLabel = "N",
        description = "Epochs over the data (default: " + RunSettings.DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(
        names = "--iterations",
        paramLabel = "N",
        description = "Total iterations of the run (a G step and a D step each).")
    Long iterations;
  }

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "64",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description =
          "Seed of weights, data order, noise and result.png (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--lr",
      paramLabel = "RATE",
      defaultValue = "2e-4",
      description = "Adam learning rate of G and D (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = "--classes",
      paramLabel = "N",
      defaultValue = "0",
      description = "Number of classes (default: largest label + 1).")
  int classes;

  @Option(
      names = "--img-size",
      paramLabel = "PX",
      defaultValue = "32",
      description = "Generated image size; data is resized to it (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(
      names = "--class-names",
      paramLabel = "A,B,..",
      split = ",",
      description = "Names of the classes in label order, stored with the model.")
  List<String> classNames;

  @Option(
      names = "--dropout",
      paramLabel = "P",
      defaultValue = "0.4",
      description = "Dropout in D's middle layers (reference: ${DEFAULT-VALUE}).")
  float dropout;

  @Option(
      names = "--bn-eps",
      paramLabel = "EPS",
      defaultValue = "0.8",
      description = "BatchNorm epsilon in G (reference: ${DEFAULT-VALUE}).")
  float batchNormEps;

  @Option(
      names = "--digits",
      paramLabel = "SEQ",
      description =
          "Labels rendered into RUN/result.png at the end: digits (2026112701) or a list (3,1,4);"
              + " default: every class once.")
  String digits;

  @Option(
      names = "--sample-interval",
      paramLabel = "N",
      defaultValue = "500",
      description = "Iterations between sample grids in RUN/samples (default: ${DEFAULT-VALUE}).")
  int sampleInterval;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Iterations between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointInterval;

  @Option(
      names = "--log-interval",
      paramLabel = "N",
      defaultValue = "100",
      description = "Iterations between metrics rows (default: ${DEFAULT-VALUE}).")
  int logInterval;

  @Option(
      names = "--keep",
      paramLabel = "K",
      defaultValue = "3",
      description = "Checkpoints to keep (default: ${DEFAULT-VALUE}).")
  int keep;

  @Option(
      names = "--eval-interval",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Score the generator every N iterations and at the end: conditional accuracy, Frechet"
              + " distance, classifier score (digit models; 0 = off).")
  long evalInterval;

  @Option(
      names = "--eval-samples",
      paramLabel = "N",
      defaultValue = "100",
      description = "Samples per class for --eval-interval (default: ${DEFAULT-VALUE}).")
  int evalSamples;

  @Option(
      names = "--precision",
      paramLabel = "P",
      defaultValue = "fp32",
      description =
          "fp32 (the reference) or bf16: TensorFlow's mixed-precision rewrite runs the matmuls in"
              + " bfloat16 on CPUs with AMX/AVX512-BF16; faster, other numerics. Applies to this"
              + " invocation only: give it again with --resume (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(
      names = "--two-step",
      description =
          "Run the reference's G step and D step as two session runs (slower; same mathematics).")
  boolean twoStep;

  /** Library settings by the options that set them, for messages. */
  private static final Map<String, String> OPTION_OF =
      Map.ofEntries(
          Map.entry("data", "--data/--images/--dataset"),
          Map.entry("batchSize", "--batch"),
          Map.entry("epochs", "--epochs"),
          Map.entry("iterations", "--iterations"),
          Map.entry("seed", "--seed"),
          Map.entry("learningRate", "--lr"),
          Map.entry("classes", "--classes"),
          Map.entry("imageSize", "--img-size"),
          Map.entry("classNames", "--class-names"),
          Map.entry("dropoutRate", "--dropout"),
          Map.entry("batchNormEps", "--bn-eps"),
          Map.entry("network", "--img-size/--dropout/--bn-eps"),
          Map.entry("twoStep", "--two-step"),
          Map.entry("resultLabels", "--digits"),
          Map.entry("sampleInterval", "--sample-interval"),
          Map.entry("checkpointInterval", "--checkpoint-interval"),
          Map.entry("logInterval", "--log-interval"),
          Map.entry("keep", "--keep"));

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Precision precision = precision();
    if (resume != null && given("--out")) {
      throw new ParameterException(spec.commandLine(), "--out cannot be given with --resume");
    }
    try (TrainingRun run = open(out)) {
      RunSettings s = run.settings();
      out.printf(
          Locale.ROOT,
          "training %s on %s (%d images of %dx%d, %d classes): %d iterations, batch %d, seed %d%n",
          run.folder(),
          s.data().id(),
          run.data().count(),
          run.data().height(),
          run.data().width(),
          s.network().numClasses(),
          s.iterations(),
          s.batchSize(),
          s.seed());
      run.withSessionConfig(precision.sessionConfig(TrainingThreads.config()));
      TrainingProgress progress = new TrainingProgress(out);
      List<TrainingListener> listeners = Listeners.standard();
      listeners.add(progress);
      try (Evaluator evaluator = evalInterval > 0 ? openEvaluator(s, out) : null) {
        if (evaluator != null) {
          listeners.add(
              new EvaluationListener(evaluator, evalInterval, evalSamples, progress::evaluated));
        }
        TrainingRun.Outcome outcome =
            Signals.untilDoneOrStopped(
                run,
                listeners,
                stopped ->
                    out.printf(
                        "stopped at iteration %d and saved a checkpoint; continue with: train"
                            + " --resume %s%n",
                        stopped.iterations(), run.folder()));
        if (outcome.stoppedEarly()) {
          return INTERRUPTED;
        }
        RunProducts.write(run.folder());
        out.printf(
            "done: %d iterations; wrote %s, %s and %s%n",
            outcome.iterations(),
            run.folder().resolve("result.png"),
            run.folder().resolve("losses.png"),
            run.folder().resolve("saved_model"));
        return Main.OK;
      }
    } catch (InvalidSettingException e) {
      throw new ParameterException(
          spec.commandLine(), e.messageNaming(OPTION_OF.getOrDefault(e.setting(), e.setting())));
    }
  }

  private TrainingRun open(PrintWriter console) throws IOException {
    MnistDownloader.Progress downloads = TrainingProgress.downloads(console);
    if (resume != null) {
      return TrainingRun.resume(resume, this::applyGiven, downloads)
          .withWarnings(spec.commandLine().getErr()::println);
    }
    CganConfig network =
        CganConfig.reference()
            .withImageSize(imageSize)
            .withDropoutRate(dropout)
            .withBatchNormEps(batchNormEps);
    return TrainingRun.create(
            out,
            applyGiven(RunSettings.builder(source()))
                .network(network)
                .classes(classes)
                .batchSize(batch)
                .seed(seed)
                .learningRate(learningRate)
                .twoStep(twoStep)
                .resultLabels(digits)
                .classNames(classNames)
                .sampleInterval(sampleInterval)
                .checkpointInterval(checkpointInterval)
                .logInterval(logInterval)
                .keep(keep)
                .build(),
            downloads)
        .withWarnings(spec.commandLine().getErr()::println);
  }

  /**
   * The options given on this command line, onto {@code b}: for a resumed run, the library refuses
   * those that would change what defines it.
   */
  private RunSettings.Builder applyGiven(RunSettings.Builder b) {
    if (length != null && length.epochs != null) {
      b.epochs(length.epochs);
    }
    if (length != null && length.iterations != null) {
      b.iterations(length.iterations);
    }
    if (resume == null) {
      return b;
    }
    if (given("--data") || given("--images") || given("--labels") || given("--dataset")) {
      b.data(source());
    }
    if (given("--img-size") || given("--dropout") || given("--bn-eps")) {
      b.network(
          b.build()
              .network()
              .withImageSize(imageSize)
              .withDropoutRate(dropout)
              .withBatchNormEps(batchNormEps));
    }
    if (given("--classes")) {
      b.classes(classes);
    }
    if (given("--batch")) {
      b.batchSize(batch);
    }
    if (given("--seed")) {
      b.seed(seed);
    }
    if (given("--lr")) {
      b.learningRate(learningRate);
    }
    if (given("--two-step")) {
      b.twoStep(twoStep);
    }
    if (given("--digits")) {
      b.resultLabels(digits);
    }
    if (given("--class-names")) {
      b.classNames(classNames);
    }
    if (given("--sample-interval")) {
      b.sampleInterval(sampleInterval);
    }
    if (given("--checkpoint-interval")) {
      b.checkpointInterval(checkpointInterval);
    }
    if (given("--log-interval")) {
      b.logInterval(logInterval);
    }
    if (given("--keep")) {
      b.keep(keep);
    }
    return b;
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private Precision precision() {
    return switch (precision) {
      case "fp32" -> Precision.FP32;
      case "bf16" -> Precision.MIXED_BF16;
      default ->
          throw new ParameterException(
              spec.commandLine(), "--precision must be fp32 or bf16, got '" + precision + "'");
    };
  }

  private static Evaluator openEvaluator(RunSettings s, PrintWriter out) throws IOException {
    Evaluator.requireDigitModel(s.network());
    return Evaluator.open(Evaluator.defaultCacheRoot(), out::println);
  }

  private DataSource source() {
    int given =
        (data != null ? 1 : 0)
            + (imagesFile != null || labelsFile != null ? 1 : 0)
            + (given("--dataset") ? 1 : 0);
    if (given > 1) {
      throw new ParameterException(
          spec.commandLine(), "give one of --data, --images/--labels or --dataset");
    }
    if (imagesFile != null || labelsFile != null) {
      if (imagesFile == null || labelsFile == null) {
        throw new ParameterException(spec.commandLine(), "--images and --labels go together");
      }
      return DataSource.idxFiles(imagesFile, labelsFile);
    }
    if (data != null) {
      return DataSource.idxFolder(data);
    }
    return switch (dataset) {
      case "embedded" -> DataSource.embedded();
      case "mnist" ->
          new DataSource.Mnist(
              cacheDir != null ? cacheDir : MnistDownloader.defaultCacheDir(),
              mirrors.stream().map(URI::create).toList());
      default ->
          throw new ParameterException(
              spec.commandLine(), "--dataset must be embedded or mnist, got '" + dataset + "'");
    };
  }
}
