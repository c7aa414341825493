package dev.cgan.cli;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.image.Png;
import dev.cgan.model.CganConfig;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.Labels;
import dev.cgan.serve.SavedModelExport;
import dev.cgan.train.Metrics;
import dev.cgan.train.RunConfig;
import dev.cgan.train.RunFolder;
import dev.cgan.train.Trainer;
import dev.cgan.train.TrainingSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code train}: trains a CGAN into a run folder, then renders result.png and exports it. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train the conditional GAN (the reference network and losses) into a run folder.",
    footer = {"", "Examples:",
        "  java -jar cgan-cli.jar train --out run                 # embedded 10k MNIST digits",
        "  java -jar cgan-cli.jar train --data ~/mnist --epochs 5 --out run-full",
        "  java -jar cgan-cli.jar train --resume run --iterations 20000"})
final class TrainCommand implements Callable<Integer> {
  /** Default length on the embedded 10k digits (156 iterations per epoch at batch 64). */
  static final int DEFAULT_EPOCHS = 40;
  /** Exit code after Ctrl-C / SIGTERM, as shells report a SIGINT death (128 + 2). */
  static final int INTERRUPTED = 130;

  @Spec CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", description = "Folder with train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]; default: the embedded 10k MNIST digits.")
  Path data;

  @Option(names = "--out", paramLabel = "RUN", defaultValue = "run", description = "Run folder to create (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--resume", paramLabel = "RUN", description = "Continue the run in RUN from its newest checkpoint.")
  Path resume;

  @ArgGroup(exclusive = true)
  Length length;

  static final class Length {
    @Option(names = "--epochs", paramLabel = "N", description = "Epochs over the data (default: " + DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--iterations", paramLabel = "N", description = "Total iterations of the run (G step + D step each).")
    Long iterations;
  }

  @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of weights, data order, noise and result.png (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--lr", paramLabel = "RATE", defaultValue = "2e-4", description = "Adam learning rate of G and D (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--digits", paramLabel = "SEQ", defaultValue = "0123456789", description = "Digits rendered into RUN/result.png at the end (default: ${DEFAULT-VALUE}).")
  String digits;

  @Option(names = "--sample-interval", paramLabel = "N", defaultValue = "500", description = "Iterations between sample grids in RUN/samples (default: ${DEFAULT-VALUE}).")
  int sampleInterval;

  @Option(names = "--checkpoint-interval", paramLabel = "N", defaultValue = "1000", description = "Iterations between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointInterval;

  @Option(names = "--log-interval", paramLabel = "N", defaultValue = "100", description = "Iterations between metrics rows (default: ${DEFAULT-VALUE}).")
  int logInterval;

  @Option(names = "--keep", paramLabel = "K", defaultValue = "3", description = "Checkpoints to keep (default: ${DEFAULT-VALUE}).")
  int keep;

  @Option(names = "--two-step", description = "Run the reference's G step and D step as two session runs (slower; same mathematics).")
  boolean twoStep;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    RunFolder run = resume != null ? resumeRun() : newRun();
    RunConfig cfg = run.config();
    Labels.parseDigits(cfg.digits(), cfg.spec().model().numClasses());
    LabeledImages images = loadData(cfg.data());
    out.printf(Locale.ROOT, "training %s on %s (%d images, %d classes): %d iterations, batch %d, seed %d%n",
        run.root(), cfg.data(), images.count(), images.numClasses(), cfg.spec().iterations(), cfg.spec().batchSize(), cfg.spec().seed());
    Trainer trainer = new Trainer();
    Trainer.Outcome outcome = trainUntilDoneOrStopped(trainer, run, images, out, new Trainer.Listener() {
      @Override
      public void logged(Metrics m) {
        out.printf(Locale.ROOT, "iter %6d  epoch %3d  D loss %.4f  G loss %.4f  D(x) %.3f  D(G(z)) %.3f  %6.0f img/s%n",
            m.iteration(), m.epoch(), m.discriminatorLoss(), m.generatorLoss(), m.meanRealScore(), m.meanFakeScore(), m.imagesPerSecond());
      }
    });
    if (outcome.stoppedEarly()) {
      return INTERRUPTED;
    }
    try (CganGenerator g = CganGenerator.fromRun(run)) {
      Png.write(g.renderDigits(cfg.digits(), cfg.spec().seed()), run.resultImage());
    }
    SavedModelExport.export(run, run.savedModelDir());
    out.printf("done: %d iterations; wrote %s and %s%n", outcome.iterations(), run.resultImage(), run.savedModelDir());
    return Main.OK;
  }

  /**
   * Trains; Ctrl-C or SIGTERM asks the trainer to stop, and the JVM's shutdown waits until the
   * checkpoint of the iteration reached is written.
   */
  private static Trainer.Outcome trainUntilDoneOrStopped(Trainer trainer, RunFolder run, LabeledImages images, PrintWriter out,
      Trainer.Listener listener) throws IOException {
    CountDownLatch finished = new CountDownLatch(1);
    Thread onSignal = new Thread(() -> {
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
      if (outcome.stoppedEarly()) {
        out.printf("stopped at iteration %d and saved a checkpoint; continue with: train --resume %s%n", outcome.iterations(), run.root());
      }
      return outcome;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // The hook is already running; it returns now that training has ended.
      }
    }
  }

  private RunFolder newRun() throws IOException {
    String source = data == null ? RunConfig.EMBEDDED : data.toAbsolutePath().normalize().toString();
    LabeledImages images = loadData(source);
    CganConfig model = CganConfig.reference().withNumClasses(Math.max(images.numClasses(), 2));
    long perEpoch = images.count() / Math.max(batch, 1);
    long iterations = length != null && length.iterations != null ? length.iterations
        : (length != null && length.epochs != null ? length.epochs : DEFAULT_EPOCHS) * perEpoch;
    TrainingSpec ts = new TrainingSpec(model, batch, seed, iterations, learningRate, 0.5f, 0.999f, twoStep);
    Labels.parseDigits(digits, model.numClasses());
    return RunFolder.create(out, new RunConfig(ts, source, sampleInterval, checkpointInterval, logInterval, keep, digits, null));
  }

  private RunFolder resumeRun() throws IOException {
    RunFolder run = RunFolder.open(resume);
    if (length != null) {
      long perEpoch = loadData(run.config().data()).count() / run.config().spec().batchSize();
      long total = length.iterations != null ? length.iterations : length.epochs * perEpoch;
      run = run.update(run.config().withSpec(run.config().spec().withIterations(total)));
    }
    return run;
  }

  static LabeledImages loadData(String source) throws IOException {
    return RunConfig.EMBEDDED.equals(source) ? EmbeddedMnist.load() : LabeledImages.fromDirectory(Path.of(source));
  }
}
