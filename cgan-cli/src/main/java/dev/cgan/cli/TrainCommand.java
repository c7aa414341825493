package dev.cgan.cli;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.DecodeProgress;
import dev.cgan.data.MnistDownloader;
import dev.cgan.eval.EvaluationListener;
import dev.cgan.eval.Evaluator;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import dev.cgan.serve.RunProducts;
import dev.cgan.train.ConsoleProgress;
import dev.cgan.train.DataChangedException;
import dev.cgan.train.Listeners;
import dev.cgan.train.Outcome;
import dev.cgan.train.Precision;
import dev.cgan.train.ResumeOptions;
import dev.cgan.train.TrainUntilSignal;
import dev.cgan.train.TrainingListener;
import dev.cgan.train.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code train}: trains a CGAN into a run folder, then renders result.png and exports it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false)
final class TrainCommand implements Callable<Integer> {
  /** Exit code after Ctrl-C / SIGTERM, as shells report a SIGINT death (128 + 2). */
  static final int INTERRUPTED = 130;

  /** What {@code --resume} may be given with: the length, intervals and this run's options. */
  private static final Set<String> CHANGEABLE_ON_RESUME =
      Set.of(
          "--resume",
          "--epochs",
          "--iterations",
          "--sample-interval",
          "--checkpoint-interval",
          "--log-interval",
          "--keep",
          "--eval-interval",
          "--eval-samples",
          "--precision",
          "--allow-changed-data");

  @Spec CommandSpec spec;

  @Mixin TrainData dataOptions;

  @Option(names = "--out", paramLabel = "RUN", defaultValue = "run")
  Path out;

  @Option(names = "--resume", paramLabel = "RUN")
  Path resume;

  @ArgGroup(exclusive = true)
  Length length;

  static final class Length {
    @Option(names = "--epochs", paramLabel = "N")
    Integer epochs;

    @Option(names = "--iterations", paramLabel = "N")
    Long iterations;
  }

  @Option(names = "--batch", paramLabel = "N")
  Integer batch;

  @Option(names = "--seed", paramLabel = "S")
  Long seed;

  @Option(names = "--lr", paramLabel = "RATE")
  Float learningRate;

  @Option(names = "--classes", paramLabel = "N")
  Integer classes;

  @Mixin TrainNetwork networkOptions;

  @Option(names = "--class-names", paramLabel = "A,B,..", split = ",")
  List<String> classNames;

  @Option(names = "--digits", paramLabel = "SEQ")
  String digits;

  @Mixin TrainIntervals intervals;

  @Mixin TrainNetwork.PrecisionChoice precisionOption;

  @Option(names = "--ema", paramLabel = "DECAY")
  Float ema;

  @Option(names = "--two-step")
  Boolean twoStep;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Precision precision = precisionOption.precision();
    if (resume != null && spec.commandLine().getParseResult().hasMatchedOption("--out")) {
      throw new ParameterException(spec.commandLine(), "--out cannot be given with --resume");
    }
    try (TrainingRun run = open(out)) {
      ConsoleProgress.report(run.dataReport(), out, spec.commandLine().getErr());
      out.println(ConsoleProgress.describe(run));
      ConsoleProgress progress = new ConsoleProgress(out);
      run.withSessionConfig(precision.sessionConfig())
          .withThreadTuning(
              line -> {
                progress.println(line);
                out.flush();
              });
      List<TrainingListener> listeners = Listeners.standard();
      listeners.add(progress);
      try (Evaluator evaluator = intervals.evalInterval > 0 ? evaluator(run, out) : null) {
        if (evaluator != null) {
          listeners.add(
              new EvaluationListener(
                  evaluator,
                  intervals.evalInterval,
                  intervals.evalSamples,
                  (iteration, r) -> progress.println(r.toLine(iteration))));
        }
        Outcome outcome =
            TrainUntilSignal.train(
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
            run.runFolder().resultImage(),
            run.runFolder().lossPlot(),
            run.runFolder().savedModelDir());
        return Main.OK;
      }
    } catch (InvalidSettingException e) {
      throw new ParameterException(
          spec.commandLine(), e.messageNaming(TrainNetwork.optionOf(e.setting())));
    }
  }

  private TrainingRun open(PrintWriter console) throws IOException {
    MnistDownloader.Progress downloads = ConsoleProgress.downloads(console);
    DecodeProgress decoding = ConsoleProgress.decoding(console);
    TrainingRun run;
    try {
      run = resume != null ? resume(downloads, decoding) : create(downloads, decoding);
    } catch (DataChangedException e) {
      throw new IOException(e.messageNaming("--allow-changed-data"), e);
    }
    return run.withWarnings(spec.commandLine().getErr()::println);
  }

  /** A new run from the options typed; every other setting is the library's default. */
  private TrainingRun create(MnistDownloader.Progress downloads, DecodeProgress decoding)
      throws IOException {
    if (dataOptions.allowChangedData) {
      throw new ParameterException(spec.commandLine(), "--allow-changed-data goes with --resume");
    }
    RunSettings.Builder b =
        RunSettings.builder(dataOptions.source(networkOptions.imageSize))
            .network(networkOptions.network())
            .resultLabels(digits)
            .classNames(classNames);
    TrainIntervals.ifGiven(classes, b::classes);
    TrainIntervals.ifGiven(batch, b::batchSize);
    TrainIntervals.ifGiven(seed, b::seed);
    TrainIntervals.ifGiven(learningRate, b::learningRate);
    TrainIntervals.ifGiven(twoStep, b::twoStep);
    TrainIntervals.ifGiven(ema, b::emaDecay);
    TrainIntervals.ifGiven(length == null ? null : length.epochs, b::epochs);
    TrainIntervals.ifGiven(length == null ? null : length.iterations, b::iterations);
    return TrainingRun.create(out, intervals.applyTo(b).build(), downloads, decoding);
  }

  /** The run in {@code --resume}, with the few changes a resume may make. */
  private TrainingRun resume(MnistDownloader.Progress downloads, DecodeProgress decoding)
      throws IOException {
    for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
      if (!CHANGEABLE_ON_RESUME.contains(o.longestName())) {
        throw new ParameterException(
            spec.commandLine(),
            o.longestName()
                + " cannot change when a run is resumed: it keeps the settings in "
                + resume.resolve(RunFolder.CONFIG));
      }
    }
    ResumeOptions changes = intervals.applyTo(ResumeOptions.none());
    if (length != null && length.epochs != null) {
      changes = changes.epochs(length.epochs);
    }
    if (length != null && length.iterations != null) {
      changes = changes.iterations(length.iterations);
    }
    changes = changes.allowChangedData(dataOptions.allowChangedData);
    return TrainingRun.resume(resume, changes, downloads, decoding);
  }

  /**
   * The digit classifier's evaluator for a run on digits, else one of a classifier trained on the
   * run's own data; its held-out accuracy is printed, so the scores can be weighed.
   */
  private static Evaluator evaluator(TrainingRun run, PrintWriter out) throws IOException {
    Evaluator e =
        Evaluator.forRun(Evaluator.defaultCacheRoot(), run.settings(), run.data(), out::println);
    out.printf(
        Locale.ROOT,
        "evaluating with %s classifier: %.2f %% accurate on %d real held-out images%n",
        Evaluator.usesDigits(run.settings()) ? "the digit" : "the run's own",
        100 * e.real().classifierAccuracy(),
        e.real().heldOut());
    return e;
  }
}
