package dev.cgan.cli;

import dev.cgan.data.DecodeProgress;
import dev.cgan.data.MnistDownloader;
import dev.cgan.eval.EvaluationReport;
import dev.cgan.train.Metrics;
import dev.cgan.train.TrainingContext;
import dev.cgan.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * What {@code train} shows while it runs: a progress bar on a terminal, or one line per logged
 * iteration in a log or pipe; evaluation lines; download progress.
 */
final class TrainingProgress implements TrainingListener {
  private final PrintWriter out;
  private final ProgressLine bar;
  private Metrics last;

  TrainingProgress(PrintWriter out) {
    this.out = out;
    this.bar = new ProgressLine(out, ProgressLine.terminal(), "it");
  }

  @Override
  public void onIterationEnd(TrainingContext c) {
    String status =
        last == null
            ? ""
            : String.format(
                Locale.ROOT, "D %.3f G %.3f", last.discriminatorLoss(), last.generatorLoss());
    bar.update(
        c.iteration(),
        c.firstIteration(),
        c.totalIterations(),
        last == null ? 0 : last.imagesPerSecond(),
        "img/s",
        status);
  }

  @Override
  public void onLog(TrainingContext c, Metrics m) {
    last = m;
    if (!ProgressLine.terminal()) {
      out.printf(
          Locale.ROOT,
          "iter %6d  epoch %3d  D loss %.4f  G loss %.4f  D(x) %.3f  D(G(z)) %.3f  %6.0f img/s%n",
          m.iteration(),
          m.epoch(),
          m.discriminatorLoss(),
          m.generatorLoss(),
          m.meanRealScore(),
          m.meanFakeScore(),
          m.imagesPerSecond());
    }
  }

  /** An evaluation during training, on its own line. */
  void evaluated(long iteration, EvaluationReport r) {
    bar.clear();
    out.printf(
        Locale.ROOT,
        "eval %6d  conditional accuracy %.2f %%  Frechet distance %.2f  classifier score"
            + " %.3f  diversity %.2f%n",
        iteration,
        100 * r.conditionalAccuracy(),
        r.frechetDistance(),
        r.classifierScore(),
        r.diversityRatio());
  }

  @Override
  public void close() {
    bar.finish();
  }

  /**
   * Decoding progress of an image folder, as a bar (count, images/s, ETA) or, in a log, one line
   * every five seconds and one at the end.
   */
  static DecodeProgress decoding(PrintWriter out) {
    ProgressLine bar = new ProgressLine(out, ProgressLine.terminal(), "images");
    long[] lastLine = {System.nanoTime()};
    return (done, total, rate) -> {
      long now = System.nanoTime();
      if (!ProgressLine.terminal() && (done == total || now - lastLine[0] >= 5_000_000_000L)) {
        lastLine[0] = now;
        out.printf(Locale.ROOT, "decoding images: %d/%d, %.0f images/s%n", done, total, rate);
      }
      bar.update(done, 0, total, rate, "img/s", "decoding");
      if (done == total) {
        bar.finish();
      }
    };
  }

  /** Download progress of the MNIST files, as a bar or one line per finished file. */
  static MnistDownloader.Progress downloads(PrintWriter out) {
    ProgressLine bar = new ProgressLine(out, ProgressLine.terminal(), "MB");
    return (file, bytes, total) -> {
      if (bytes == total && !ProgressLine.terminal()) {
        out.printf(Locale.ROOT, "%s: %.1f MB%n", file, bytes / 1e6);
      }
      bar.update(bytes >> 20, 0, Math.max(total, bytes) >> 20, 0, "", file);
      if (bytes == total) {
        bar.finish();
      }
    };
  }
}
