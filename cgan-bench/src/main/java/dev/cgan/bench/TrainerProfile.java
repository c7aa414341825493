package dev.cgan.bench;

import dev.cgan.data.DataSource;
import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.internal.AtomicFiles;
import dev.cgan.internal.CpuInfo;
import dev.cgan.run.RunSettings;
import dev.cgan.train.Listeners;
import dev.cgan.train.Metrics;
import dev.cgan.train.Outcome;
import dev.cgan.train.TrainingContext;
import dev.cgan.train.TrainingListener;
import dev.cgan.train.TrainingRun;
import dev.cgan.train.internal.TrainingThreads;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trainer against the benchmark, side by side in one process: each round times {@link
 * TrainingBench}'s bare loop on the default run's step, then a real {@link TrainingRun} of the same
 * step with the standard listeners, each listener's callbacks timed. What the trainer spends beyond
 * the bare step is what its listeners cost, and which.
 *
 * <pre>
 * java -cp cgan-cli/target/cgan-cli.jar dev.cgan.bench.TrainerProfile [rounds] [iterations] [batch]
 * </pre>
 *
 * Run it with {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1}, as the CLI runs, so that every session gets
 * the threads it asks for.
 */
public final class TrainerProfile {
  private TrainerProfile() {}

  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : RunSettings.DEFAULT_BATCH_SIZE;
    System.out.println("cpu: " + CpuInfo.current().describe());
    System.out.println(
        "per-session pools ("
            + TrainingThreads.PER_SESSION_POOLS
            + "): "
            + TrainingThreads.perSessionPools());
    LabeledImages data = EmbeddedMnist.load();
    if (args.length > 3 && args[3].equals("probe")) {
      probe(batch);
      return;
    }
    RunSettings spec =
        RunSettings.builder(DataSource.embedded())
            .classes(10)
            .batchSize(batch)
            .iterations(iterations)
            .build();
    List<double[]> results = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      TrainingBench.Result b =
          TrainingBench.measure(
              spec, data, 10, Math.max(50, iterations / 5), 1, TrainingThreads.config());
      Path tmp = Files.createTempDirectory("cgan-profile");
      try {
        Profile p = trainer(tmp.resolve("run"), spec);
        double bench = b.imagesPerSecond().median();
        System.out.printf(
            Locale.ROOT,
            "round %d: bench %.0f img/s | train logged median %.0f, steady mean %.0f img/s"
                + " (%.3f of bench) | listeners %.1f ms per iteration of %.1f%n  %s%n",
            r + 1,
            bench,
            p.loggedMedian(),
            p.steadyMean(),
            p.steadyMean() / bench,
            p.listenerMillisPerIteration(),
            p.millisPerIteration(),
            p.breakdown());
        results.add(new double[] {bench, p.loggedMedian(), p.steadyMean()});
      } finally {
        AtomicFiles.deleteRecursively(tmp);
      }
    }
    double[] bench = results.stream().mapToDouble(x -> x[0]).toArray();
    double[] logged = results.stream().mapToDouble(x -> x[1]).toArray();
    double[] steady = results.stream().mapToDouble(x -> x[2]).toArray();
    double[] ratio = results.stream().mapToDouble(x -> x[2] / x[0]).toArray();
    System.out.printf(
        Locale.ROOT,
        "median over %d rounds, batch %d: bench %.0f, train logged %.0f, train steady %.0f img/s;"
            + " steady/bench %.3f (min %.3f, max %.3f)%n",
        rounds,
        batch,
        Stats.of(bench).median(),
        Stats.of(logged).median(),
        Stats.of(steady).median(),
        Stats.of(ratio).median(),
        Stats.of(ratio).min(),
        Stats.of(ratio).max());
  }

  /**
   * Times the pieces of a sample grid and a checkpoint separately, five times each, at steady state
   * (iterations 200, 300, ..., 600 of a run with no standard listener).
   */
  private static void probe(int batch) throws IOException {
    Path tmp = Files.createTempDirectory("cgan-probe");
    try {
      RunSettings spec =
          RunSettings.builder(DataSource.embedded())
              .classes(10)
              .batchSize(batch)
              .iterations(600)
              .build();
      TrainingListener probe =
          new TrainingListener() {
            @Override
            public void onIterationEnd(TrainingContext c) throws IOException {
              if (c.iteration() < 200 || c.iteration() % 100 != 0) {
                return;
              }
              long t0 = System.nanoTime();
              c.currentMetrics();
              long t1 = System.nanoTime();
              BufferedImage grid = c.sampleGrid(c.settings().gridSeed()); // with the refresh
              long t2 = System.nanoTime();
              c.sampleGrid(c.settings().gridSeed()); // refreshed already
              long t3 = System.nanoTime();
              dev.cgan.image.Png.write(grid, tmp.resolve("grid.png"));
              long t4 = System.nanoTime();
              c.saveVariables(tmp.resolve("ckpt-" + c.iteration()).toString());
              long t5 = System.nanoTime();
              c.run().checkpoints().save(p -> c.saveVariables(p), c.iteration());
              long t6 = System.nanoTime();
              System.out.printf(
                  Locale.ROOT,
                  "it %d ms: currentMetrics %.1f | refresh+grid %.1f, grid %.1f, png %.1f |"
                      + " session.save %.1f, Checkpoints.save %.1f%n",
                  c.iteration(),
                  (t1 - t0) / 1e6,
                  (t2 - t1) / 1e6,
                  (t3 - t2) / 1e6,
                  (t4 - t3) / 1e6,
                  (t5 - t4) / 1e6,
                  (t6 - t5) / 1e6);
            }
          };
      try (TrainingRun run = TrainingRun.create(tmp.resolve("run"), spec)) {
        run.withSessionConfig(TrainingThreads.config()).train(List.of(probe));
      }
    } finally {
      AtomicFiles.deleteRecursively(tmp);
    }
  }

  /** What one trainer run spent. */
  record Profile(
      double loggedMedian,
      double steadyMean,
      double millisPerIteration,
      double listenerMillisPerIteration,
      String breakdown) {}

  private static Profile trainer(Path folder, RunSettings spec) throws IOException {
    List<Timed> timed = new ArrayList<>();
    for (TrainingListener l : Listeners.standard()) {
      timed.add(new Timed(l));
    }
    Recorder rec = new Recorder();
    List<TrainingListener> listeners = new ArrayList<>(timed);
    listeners.add(rec);
    try (TrainingRun run = TrainingRun.create(folder, spec)) {
      run.withSessionConfig(TrainingThreads.config()).train(listeners);
    }
    // Steady state: from the end of the first log window (warm-up) to the last iteration.
    long steadyIterations = rec.lastIteration - rec.firstLogIteration;
    double steadySeconds = (rec.endNanos - rec.firstLogNanos) / 1e9;
    double listenerNanos = 0;
    Map<String, Double> parts = new LinkedHashMap<>();
    for (Timed t : timed) {
      listenerNanos += t.steadyNanos;
      parts.put(t.name, t.steadyNanos / 1e6 / steadyIterations);
    }
    StringBuilder sb = new StringBuilder("listener ms/iteration:");
    parts.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.3f", k, v)));
    double[] logged = rec.logged.stream().skip(1).mapToDouble(Double::doubleValue).toArray();
    return new Profile(
        logged.length == 0 ? Double.NaN : Stats.of(logged).median(),
        steadyIterations * spec.batchSize() / steadySeconds,
        steadySeconds * 1e3 / steadyIterations,
        listenerNanos / 1e6 / steadyIterations,
        sb.toString());
  }

  /** Records the logged images/s and when the first window (the warm-up) ended. */
  private static final class Recorder implements TrainingListener {
    final List<Double> logged = new ArrayList<>();
    long firstLogNanos;
    long firstLogIteration = -1;
    long lastIteration;
    long endNanos;

    @Override
    public void onLog(TrainingContext c, Metrics m) {
      logged.add(m.imagesPerSecond());
      if (firstLogIteration < 0) {
        firstLogIteration = c.iteration();
        firstLogNanos = System.nanoTime();
      }
    }

    @Override
    public void onIterationEnd(TrainingContext c) {
      lastIteration = c.iteration();
      endNanos = System.nanoTime();
    }
  }

  /** A listener with its callbacks timed, counting only after the first log (the warm-up). */
  private static final class Timed implements TrainingListener {
    final TrainingListener inner;
    final String name;
    long steadyNanos;
    boolean steady;

    Timed(TrainingListener inner) {
      this.inner = inner;
      String n = inner.getClass().getSimpleName();
      this.name = n.isEmpty() ? inner.getClass().getName() : n;
    }

    private void add(long t0) {
      if (steady) {
        steadyNanos += System.nanoTime() - t0;
      }
    }

    @Override
    public void onTrainBegin(TrainingContext c) throws IOException {
      inner.onTrainBegin(c);
    }

    @Override
    public void onIterationEnd(TrainingContext c) throws IOException {
      long t0 = System.nanoTime();
      inner.onIterationEnd(c);
      add(t0);
    }

    @Override
    public void onLog(TrainingContext c, Metrics m) throws IOException {
      long t0 = System.nanoTime();
      inner.onLog(c, m);
      add(t0);
      steady = true;
    }

    @Override
    public void onScalars(TrainingContext c, long s, Map<String, Float> v) throws IOException {
      long t0 = System.nanoTime();
      inner.onScalars(c, s, v);
      add(t0);
    }

    @Override
    public void onImage(TrainingContext c, long s, String tag, BufferedImage image)
        throws IOException {
      long t0 = System.nanoTime();
      inner.onImage(c, s, tag, image);
      add(t0);
    }

    @Override
    public void onTrainEnd(TrainingContext c, Outcome o) throws IOException {
      inner.onTrainEnd(c, o);
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }
}
