package dev.cgan.cli;

import dev.cgan.InvalidSettingException;
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
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin TrainData dataOptions;

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

  @Mixin TrainNetwork networkOptions;

  @Option(
      names = "--class-names",
      paramLabel = "A,B,..",
      split = ",",
      description = "Names of the classes in label order, stored with the model.")
  List<String> classNames;

  @Option(
      names = "--digits",
      paramLabel = "SEQ",
      description =
          "Labels rendered into RUN/result.png at the end: digits (2026112701) or a list (3,1,4);"
              + " default: every class once.")
  String digits;

  @Mixin TrainIntervals intervals;

  @Mixin TrainNetwork.PrecisionChoice precisionOption;

  @Option(
      names = "--ema",
      paramLabel = "DECAY",
      description =
          "Keep an exponential moving average of G's weights with this decay per iteration;"
              + " samples, result.png, the SavedModel and evaluations use it. 0: none, the"
              + " reference exactly (default: "
              + RunSettings.DEFAULT_EMA_DECAY
              + ").")
  Float ema;

  @Option(
      names = "--two-step",
      description =
          "Run the reference's G step and D step as two session runs (slower; same mathematics).")
  boolean twoStep;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Precision precision = precisionOption.precision();
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
      try (Evaluator evaluator = intervals.evalInterval > 0 ? evaluator(s, out) : null) {
        if (evaluator != null) {
          listeners.add(
              new EvaluationListener(
                  evaluator, intervals.evalInterval, intervals.evalSamples, progress::evaluated));
        }
        TrainingRun.Outcome outcome =
            Signals.untilDoneOrStopped(
                run,
                listeners,
                stopped -> {
                  out.printf(
                      "stopped at iteration %d and saved a checkpoint; continue with: train"
                          + " --resume %s%n",
                      stopped.iterations(), run.folder());
                  out.flush();
                });
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
          spec.commandLine(), e.messageNaming(TrainNetwork.optionOf(e.setting())));
    }
  }

  private TrainingRun open(PrintWriter console) throws IOException {
    MnistDownloader.Progress downloads = TrainingProgress.downloads(console);
    if (resume != null) {
      return TrainingRun.resume(resume, this::applyGiven, downloads)
          .withWarnings(spec.commandLine().getErr()::println);
    }
    RunSettings.Builder b =
        applyGiven(RunSettings.builder(dataOptions.source()))
            .network(networkOptions.applyTo(CganConfig.reference()))
            .classes(classes)
            .batchSize(batch)
            .seed(seed)
            .learningRate(learningRate)
            .twoStep(twoStep)
            .resultLabels(digits)
            .classNames(classNames);
    return TrainingRun.create(out, intervals.applyTo(b, o -> true).build(), downloads)
        .withWarnings(spec.commandLine().getErr()::println);
  }

  /**
   * The options given on this command line, onto {@code b}: for a resumed run, the library refuses
   * those that would change what defines it.
   */
  private RunSettings.Builder applyGiven(RunSettings.Builder b) {
    if (ema != null) {
      b.emaDecay(ema);
    }
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
      b.data(dataOptions.source());
    }
    if (given("--img-size") || given("--dropout") || given("--bn-eps")) {
      b.network(networkOptions.applyTo(b.build().network()));
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
    return intervals.applyTo(b, this::given);
  }

  private static Evaluator evaluator(RunSettings s, PrintWriter out) throws IOException {
    Evaluator.requireDigitModel(s.network());
    return Evaluator.open(Evaluator.defaultCacheRoot(), out::println);
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }
}
