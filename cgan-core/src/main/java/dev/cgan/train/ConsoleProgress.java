package dev.cgan.train;

import dev.cgan.data.DecodeProgress;
import dev.cgan.data.MnistDownloader;
import dev.cgan.internal.ProgressLine;
import dev.cgan.run.RunSettings;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training shown on a console, as Keras's {@code ProgbarLogger}: on a terminal a progress bar
 * redrawn in place (iterations, images/s, ETA, the latest losses); in a log or pipe, where a
 * redrawn line would pile up, one line per logged iteration instead. The same choice for the
 * progress of decoding an image folder ({@link #decoding}) and of downloading MNIST ({@link
 * #downloads}).
 */
public final class ConsoleProgress implements TrainingListener {
  private final PrintWriter out;
  private final boolean terminal;
  private final ProgressLine bar;
  private Metrics last;

  /** A bar when stdout is a terminal (and {@code TERM} is not {@code dumb}), else lines. */
  public ConsoleProgress(PrintWriter out) {
    this(out, ProgressLine.terminal());
  }

  ConsoleProgress(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
    this.bar = new ProgressLine(out, terminal, "it");
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
    if (!terminal) {
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

  /** A line of its own (an evaluation's figures, say), the bar cleared first. */
  public void println(String line) {
    bar.clear();
    out.println(line);
  }

  @Override
  public void close() {
    bar.finish();
  }

  /**
   * What {@code run} trains on and for how long: "training RUN on DATA (N images of HxW, K
   * classes): I iterations, batch B, seed S".
   */
  public static String describe(TrainingRun run) {
    RunSettings s = run.settings();
    return String.format(
        Locale.ROOT,
        "training %s on %s (%d images of %dx%d%s, %d classes): %d iterations, batch %d, seed %d",
        run.folder(),
        s.data().id(),
        run.data().count(),
        run.data().height(),
        run.data().width(),
        run.data().channels() == 1 ? "" : "x" + run.data().channels(),
        s.network().numClasses(),
        s.iterations(),
        s.batchSize(),
        s.seed());
  }

  /**
   * What loading the data said: its notes and the files an image folder's loading left out (the
   * count and the first three) on {@code err}, whether it came from the cache on {@code out}.
   */
  public static void report(DataReport r, PrintWriter out, PrintWriter err) {
    r.notes().forEach(n -> err.println("note: " + n));
    if (!r.skipped().isEmpty()) {
      int shown = Math.min(3, r.skipped().size());
      err.printf(
          "skipped %d bad image file%s: %s%s%n",
          r.skipped().size(),
          r.skipped().size() == 1 ? "" : "s",
          String.join("; ", r.skipped().subList(0, shown)),
          r.skipped().size() > shown ? "; and " + (r.skipped().size() - shown) + " more" : "");
    }
    if (r.fromCache()) {
      out.println("decoded images read from the cache");
    }
  }

  /**
   * Decoding progress of an image folder, as a bar (count, images/s, ETA) or, in a log, one line
   * every five seconds and one at the end.
   */
  public static DecodeProgress decoding(PrintWriter out) {
    boolean terminal = ProgressLine.terminal();
    ProgressLine bar = new ProgressLine(out, terminal, "images");
    long[] lastLine = {System.nanoTime()};
    return (done, total, rate) -> {
      long now = System.nanoTime();
      if (!terminal && (done == total || now - lastLine[0] >= 5_000_000_000L)) {
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
  public static MnistDownloader.Progress downloads(PrintWriter out) {
    boolean terminal = ProgressLine.terminal();
    ProgressLine bar = new ProgressLine(out, terminal, "MB");
    return (file, bytes, total) -> {
      if (bytes == total && !terminal) {
        out.printf(Locale.ROOT, "%s: %.1f MB%n", file, bytes / 1e6);
      }
      bar.update(bytes >> 20, 0, Math.max(total, bytes) >> 20, 0, "", file);
      if (bytes == total) {
        bar.finish();
      }
    };
  }
}
