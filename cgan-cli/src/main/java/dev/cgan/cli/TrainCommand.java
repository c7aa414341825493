package dev.cgan.cli;

import dev.cgan.data.DataSources;
import dev.cgan.data.LabeledImages;
import dev.cgan.data.MnistDownloader;
import dev.cgan.eval.EvaluationReport;
import dev.cgan.eval.Evaluator;
import dev.cgan.image.Png;
import dev.cgan.model.CganConfig;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.Labels;
import dev.cgan.serve.SavedModelExport;
import dev.cgan.train.Metrics;
import dev.cgan.train.Precision;
import dev.cgan.train.RunConfig;
import dev.cgan.train.RunFolder;
import dev.cgan.train.Trainer;
import dev.cgan.train.TrainingSpec;
import dev.cgan.train.TrainingThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
  /**
   * Default length: 150 epochs of the embedded 10k digits, 23,400 iterations at batch 64. Measured
   * (README "Quality"): conditional accuracy ≥ 97 % and Fréchet distance within 3× the real floor
   * are reached from about 100 epochs on; 150 leaves a margin for the run-to-run spread.
   */
  static final int DEFAULT_EPOCHS = 150;

  /** Exit code after Ctrl-C / SIGTERM, as shells report a SIGINT death (128 + 2). */
  static final int INTERRUPTED = 130;

  /** Options that define a run; a resumed run keeps the values it was started with. */
  private static final String[] FIXED_ON_RESUME = {
    "--data",
    "--images",
    "--labels",
    "--dataset",
    "--batch",
    "--seed",
    "--lr",
    "--classes",
    "--img-size",
    "--class-names",
    "--dropout",
    "--bn-eps",
    "--two-step",
    "--digits",
    "--out"
  };

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
        description = "Epochs over the data (default: " + DEFAULT_EPOCHS + ").")
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

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    checkCounts();
    RunFolder run = resume != null ? resumeRun() : newRun();
    RunConfig cfg = run.config();
    LabeledImages images = load(cfg.data(), cfg.spec().model().numClasses());
    checkFits(run, images);
    out.printf(
        Locale.ROOT,
        "training %s on %s (%d images of %dx%d, %d classes): %d iterations, batch %d, seed %d%n",
        run.root(),
        cfg.data(),
        images.count(),
        images.height(),
        images.width(),
        cfg.spec().model().numClasses(),
        cfg.spec().iterations(),
        cfg.spec().batchSize(),
        cfg.spec().seed());
    Trainer trainer =
        new Trainer().withSessionConfig(precision().sessionConfig(TrainingThreads.config()));
    try (Evaluator evaluator = evalInterval > 0 ? openEvaluator(cfg.spec().model(), out) : null) {
      if (evaluator != null) {
        trainer.evaluateEvery(
            evalInterval,
            evalSamples,
            (imgs, labels) -> {
              EvaluationReport r = evaluator.evaluate(imgs, labels);
              return new Trainer.Scores(
                  r.conditionalAccuracy(),
                  r.frechetDistance(),
                  r.classifierScore(),
                  r.diversityRatio());
            });
      }
      return finish(run, trainUntilDoneOrStopped(trainer, run, images, out), out);
    }
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

  private static Evaluator openEvaluator(CganConfig model, PrintWriter out) throws IOException {
    Evaluator.requireDigitModel(model);
    return Evaluator.open(Evaluator.defaultCacheRoot(), out::println);
  }

  /** After training: result.png and the SavedModel, unless the run was stopped early. */
  private static int finish(RunFolder run, Trainer.Outcome outcome, PrintWriter out)
      throws IOException {
    RunConfig cfg = run.config();
    if (outcome.stoppedEarly()) {
      return INTERRUPTED;
    }
    try (CganGenerator g = CganGenerator.fromRun(run)) {
      Png.write(
          g.render(Labels.parse(cfg.digits(), g.config().numClasses()), cfg.spec().seed()),
          run.resultImage());
    }
    SavedModelExport.export(run, run.savedModelDir());
    out.printf(
        "done: %d iterations; wrote %s, %s and %s%n",
        outcome.iterations(), run.resultImage(), run.lossPlot(), run.savedModelDir());
    return Main.OK;
  }

  /**
   * Trains with a progress line; Ctrl-C or SIGTERM asks the trainer to stop, and the JVM's shutdown
   * waits until the checkpoint of the iteration reached is written.
   */
  private static Trainer.Outcome trainUntilDoneOrStopped(
      Trainer trainer, RunFolder run, LabeledImages images, PrintWriter out) throws IOException {
    ProgressLine bar = new ProgressLine(out, ProgressLine.terminal(), "it");
    int batch = run.config().spec().batchSize();
    Trainer.Listener listener =
        new Trainer.Listener() {
          long from;
          Metrics last;

          @Override
          public void started(long fromIteration, long total) {
            from = fromIteration;
          }

          @Override
          public void iterationDone(long it, long total) {
            String status =
                last == null
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        "D %.3f G %.3f",
                        last.discriminatorLoss(),
                        last.generatorLoss());
            bar.update(it, from, total, last == null ? 0 : last.imagesPerSecond(), "img/s", status);
          }

          @Override
          public void evaluated(long it, Trainer.Scores s) {
            bar.clear();
            out.printf(
                Locale.ROOT,
                "eval %6d  conditional accuracy %.2f %%  Frechet distance %.2f  classifier score"
                    + " %.3f  diversity %.2f%n",
                it,
                100 * s.conditionalAccuracy(),
                s.frechetDistance(),
                s.classifierScore(),
                s.diversityRatio());
          }

          @Override
          public void logged(Metrics m) {
            last = m;
            if (!ProgressLine.terminal()) {
              out.printf(
                  Locale.ROOT,
                  "iter %6d  epoch %3d  D loss %.4f  G loss %.4f  D(x) %.3f  D(G(z)) %.3f  %6.0f"
                      + " img/s%n",
                  m.iteration(),
                  m.epoch(),
                  m.discriminatorLoss(),
                  m.generatorLoss(),
                  m.meanRealScore(),
                  m.meanFakeScore(),
                  m.imagesPerSecond());
            }
          }
        };
    CountDownLatch finished = new CountDownLatch(1);
    Thread onSignal =
        new Thread(
            () -> {
              trainer.requestStop();
              try {
                finished.await(2, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      Trainer.Outcome outcome = trainer.train(run, images, listener);
      bar.finish();
      if (outcome.stoppedEarly()) {
        out.printf(
            "stopped at iteration %d and saved a checkpoint; continue with: train --resume %s%n",
            outcome.iterations(), run.root());
      }
      return outcome;
    } finally {
      bar.finish();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // The hook is already running; it returns now that training has ended.
      }
    }
  }

  /** Counts the run could not use are refused as given, before anything is written. */
  private void checkCounts() {
    if (length != null && length.epochs != null && length.epochs < 0) {
      throw new ParameterException(
          spec.commandLine(), "--epochs must not be negative, got " + length.epochs);
    }
    if (length != null && length.iterations != null && length.iterations < 0) {
      throw new ParameterException(
          spec.commandLine(), "--iterations must not be negative, got " + length.iterations);
    }
    if (keep < 1) {
      throw new ParameterException(spec.commandLine(), "--keep must be at least 1, got " + keep);
    }
  }

  private RunFolder newRun() throws IOException {
    String source = source();
    LabeledImages images = load(source, classes);
    CganConfig model =
        new CganConfig(
            Math.max(images.numClasses(), 2), 100, imageSize, 1, batchNormEps, 0.1f, dropout, 0.2f);
    if (classNames != null && classNames.size() != model.numClasses()) {
      throw new ParameterException(
          spec.commandLine(),
          "--class-names has "
              + classNames.size()
              + " names but the data has "
              + model.numClasses()
              + " classes");
    }
    if (batch < 2) {
      throw new ParameterException(
          spec.commandLine(), "--batch must be at least 2 (BatchNorm needs a batch), got " + batch);
    }
    long perEpoch = images.count() / batch;
    if (perEpoch == 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--batch " + batch + " is larger than the data (" + images.count() + " images)");
    }
    long iterations =
        length != null && length.iterations != null
            ? length.iterations
            : (length != null && length.epochs != null ? length.epochs : DEFAULT_EPOCHS) * perEpoch;
    if (iterations < 0) {
      throw new ParameterException(
          spec.commandLine(), "--iterations/--epochs must not be negative, got " + iterations);
    }
    String resultLabels = digits != null ? digits : defaultLabels(model.numClasses());
    Labels.parse(resultLabels, model.numClasses());
    TrainingSpec ts =
        new TrainingSpec(model, batch, seed, iterations, learningRate, 0.5f, 0.999f, twoStep);
    return RunFolder.create(
        out,
        new RunConfig(
            ts,
            source,
            sampleInterval,
            checkpointInterval,
            logInterval,
            keep,
            resultLabels,
            classNames));
  }

  private RunFolder resumeRun() throws IOException {
    for (String name : FIXED_ON_RESUME) {
      if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
        throw new ParameterException(
            spec.commandLine(),
            name
                + " cannot be given with --resume: a resumed run keeps the settings in "
                + resume.resolve(RunFolder.CONFIG));
      }
    }
    RunFolder run = RunFolder.open(resume);
    if (length != null) {
      TrainingSpec ts = run.config().spec();
      long total =
          length.iterations != null
              ? length.iterations
              : length.epochs
                  * (load(run.config().data(), ts.model().numClasses()).count() / ts.batchSize());
      long reached =
          run.checkpoints().latest().map(dev.cgan.train.Checkpoints::iterationOf).orElse(0L);
      if (total < reached) {
        throw new ParameterException(
            spec.commandLine(),
            run.root()
                + " is already at iteration "
                + reached
                + "; --iterations "
                + total
                + " would go back");
      }
      run = run.update(run.config().withSpec(ts.withIterations(total)));
    }
    return run;
  }

  /** The data must match the network the run was built for. */
  private static void checkFits(RunFolder run, LabeledImages images) throws IOException {
    int classes = run.config().spec().model().numClasses();
    if (images.numClasses() > classes) {
      throw new IOException(
          run.config().data()
              + " has "
              + images.numClasses()
              + " classes but the run "
              + run.root()
              + " was built for "
              + classes);
    }
  }

  private String source() {
    int given =
        (data != null ? 1 : 0)
            + (imagesFile != null || labelsFile != null ? 1 : 0)
            + (spec.commandLine().getParseResult().hasMatchedOption("--dataset") ? 1 : 0);
    if (given > 1) {
      throw new ParameterException(
          spec.commandLine(), "give one of --data, --images/--labels or --dataset");
    }
    if (imagesFile != null || labelsFile != null) {
      if (imagesFile == null || labelsFile == null) {
        throw new ParameterException(spec.commandLine(), "--images and --labels go together");
      }
      return DataSources.files(imagesFile, labelsFile);
    }
    if (data != null) {
      return DataSources.directory(data);
    }
    return switch (dataset) {
      case "embedded" -> DataSources.EMBEDDED;
      case "mnist" ->
          DataSources.mnist(cacheDir != null ? cacheDir : MnistDownloader.defaultCacheDir());
      default ->
          throw new ParameterException(
              spec.commandLine(), "--dataset must be embedded or mnist, got '" + dataset + "'");
    };
  }

  private LabeledImages load(String source, int numClasses) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    ProgressLine bar = new ProgressLine(out, ProgressLine.terminal(), "MB");
    MnistDownloader.Builder download =
        MnistDownloader.builder()
            .progress(
                (file, bytes, total) -> {
                  if (bytes == total && !ProgressLine.terminal()) {
                    out.printf(Locale.ROOT, "%s: %.1f MB%n", file, bytes / 1e6);
                  }
                  bar.update(bytes >> 20, 0, Math.max(total, bytes) >> 20, 0, "", file);
                  if (bytes == total) {
                    bar.finish();
                  }
                });
    if (!mirrors.isEmpty()) {
      download.baseUrls(mirrors.toArray(String[]::new));
    }
    return DataSources.load(source, numClasses, download);
  }

  static String defaultLabels(int numClasses) {
    if (numClasses <= 10) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < numClasses; i++) {
        s.append(i);
      }
      return s.toString();
    }
    List<String> all = new ArrayList<>();
    for (int i = 0; i < numClasses; i++) {
      all.add(Integer.toString(i));
    }
    return String.join(",", all);
  }
}
