package dev.cgan.train;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.DataSource;
import dev.cgan.data.DecodeProgress;
import dev.cgan.data.LabeledImages;
import dev.cgan.data.MnistDownloader;
import dev.cgan.run.Checkpoints;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import dev.cgan.train.internal.ThreadTuning;
import dev.cgan.train.internal.TrainingGraph;
import dev.cgan.train.internal.TrainingStep;
import dev.cgan.train.internal.TrainingThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * A training run in its folder: create one, or resume one, then {@link #train} it.
 *
 * <pre>{@code
 * RunSettings settings = RunSettings.builder(DataSource.embedded()).epochs(150).build();
 * try (TrainingRun run = TrainingRun.create(Path.of("run"), settings)) {
 *   run.train();                          // metrics.csv, TensorBoard, samples, checkpoints
 * }
 * RunProducts.write(Path.of("run"));      // result.png and saved_model/ (dev.cgan.serve)
 * }</pre>
 *
 * <p>The run's lifecycle lives here: settings are checked before anything is written; the data is
 * loaded once, from the run's own description; a new run only goes into a new or empty folder; a
 * run folder is changed only by the one process that holds its lock (from {@code create} or {@code
 * resume} until {@link #close}). What a resume may change is {@link ResumeOptions}; what the data
 * settles is {@link SettingsResolution}; what must fit in memory is {@link MemoryCheck}.
 */
public final class TrainingRun implements AutoCloseable {
  /**
   * The environment variable that makes TensorFlow give every session the thread pools its options
   * ask for; it is read once, when TensorFlow loads, so a launcher sets it before the JVM starts.
   */
  public static final String PER_SESSION_THREAD_POOLS = TrainingThreads.PER_SESSION_POOLS;

  private final RunFolder.Locked lock;
  private final LabeledImages data;
  private final DataReport dataReport;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private ConfigProto sessionConfig = TrainingThreads.config();
  private ThreadTuning threadTuning;
  private Consumer<String> warnings = LoggerFactory.getLogger(TrainingRun.class)::warn;

  private TrainingRun(RunFolder.Locked lock, RunData data) {
    this.lock = lock;
    this.data = data.images();
    this.dataReport = data.report();
  }

  /**
   * Creates a run in {@code folder}, which must not exist or be empty: settings and data are
   * checked first, and a refused run writes nothing.
   *
   * @throws InvalidSettingException naming the setting that cannot work with this data
   * @throws java.nio.file.FileAlreadyExistsException when the folder holds a run or anything else
   * @throws dev.cgan.data.InvalidDataException when the data is malformed
   */
  public static TrainingRun create(Path folder, RunSettings settings) throws IOException {
    return create(folder, settings, MnistDownloader.Progress.NONE);
  }

  /** {@link #create(Path, RunSettings)}, reporting a download of the data to {@code progress}. */
  public static TrainingRun create(
      Path folder, RunSettings settings, MnistDownloader.Progress progress) throws IOException {
    return create(folder, settings, progress, DecodeProgress.NONE);
  }

  /**
   * {@link #create(Path, RunSettings)}, reporting a download of the data to {@code progress} and
   * the decoding of an image folder to {@code decoding}. A run on an image folder keeps the
   * folder's listing ({@link RunFolder#dataListing()}), so that a resume can tell what changed.
   */
  public static TrainingRun create(
      Path folder, RunSettings settings, MnistDownloader.Progress progress, DecodeProgress decoding)
      throws IOException {
    RunFolder.checkCanCreate(folder);
    // The class count is known once the labels are read; the fewest classes give a need the run
    // has at least, so data that cannot fit is refused before it is read.
    DataSource.DataShape shape = settings.data().shape();
    MemoryCheck.require(
        settings.network().withNumClasses(Math.max(settings.classes(), 2)),
        settings.batchSize(),
        settings.averaged(),
        shape,
        null,
        false);
    RunData loaded = RunData.load(settings.data(), settings.classes(), progress, decoding);
    LabeledImages data = loaded.images();
    RunSettings resolved = SettingsResolution.resolve(settings, data);
    MemoryCheck.require(
        resolved.network(),
        resolved.batchSize(),
        resolved.averaged(),
        new DataSource.DataShape(
            shape.source(), data.count(), data.height(), data.width(), data.channels(), 0),
        null,
        true);
    RunFolder.Locked lock = RunFolder.create(folder, resolved);
    try {
      loaded.keepListing(lock.run());
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    return new TrainingRun(lock, loaded);
  }

  /** Opens the run in {@code folder} to train on up to its configured total. */
  public static TrainingRun resume(Path folder) throws IOException {
    return resume(folder, ResumeOptions.none(), MnistDownloader.Progress.NONE);
  }

  /**
   * Opens the run in {@code folder} with what a resume may change ({@link ResumeOptions}): a longer
   * or shorter length, not below the iteration reached; the intervals; {@code keep}. The changes
   * are stored in {@code run.json}, under the run's lock.
   *
   * @throws InvalidSettingException naming a length that would go back
   */
  public static TrainingRun resume(
      Path folder, ResumeOptions changes, MnistDownloader.Progress progress) throws IOException {
    return resume(folder, changes, progress, DecodeProgress.NONE);
  }

  /**
   * {@link #resume(Path, ResumeOptions, MnistDownloader.Progress)}, reporting the decoding of an
   * image folder to {@code decoding}. A run on an image folder whose files changed since it began
   * is refused, naming the changes, unless {@link ResumeOptions#allowChangedData} says otherwise.
   *
   * @throws DataChangedException when the run's image folder changed
   */
  public static TrainingRun resume(
      Path folder,
      ResumeOptions changes,
      MnistDownloader.Progress progress,
      DecodeProgress decoding)
      throws IOException {
    Objects.requireNonNull(changes, "changes");
    RunFolder.Locked lock = RunFolder.open(folder).lock();
    try {
      // Read under the lock: what another trainer wrote before it let go counts.
      RunFolder run = RunFolder.open(folder);
      RunSettings stored = run.settings();
      RunData.requireUnchanged(run, changes.allowChangedData());
      MemoryCheck.require(
          stored.network(),
          stored.batchSize(),
          stored.averaged(),
          stored.data().shape(),
          folder.resolve(RunFolder.CONFIG),
          false);
      RunData loaded =
          RunData.load(stored.data(), stored.network().numClasses(), progress, decoding);
      LabeledImages data = loaded.images();
      SettingsResolution.requireBatchFits(stored.batchSize(), data.count());
      long reached = run.checkpoints().latest().map(Checkpoints::iterationOf).orElse(0L);
      RunSettings resumed =
          ResumeRules.apply(stored, changes, data.count() / stored.batchSize(), reached, folder);
      if (!resumed.equals(stored)) {
        lock.update(resumed);
      }
      if (changes.allowChangedData()) {
        loaded.keepListing(lock.run());
      }
      return new TrainingRun(lock, loaded);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** The run folder. */
  public Path folder() {
    return lock.run().root();
  }

  /** The run folder: where each of its files is. */
  public RunFolder runFolder() {
    return lock.run();
  }

  /** The run's settings, resolved: iterations and the class count are set. */
  public RunSettings settings() {
    return lock.run().settings();
  }

  /** The training images, as loaded once from the run's data source. */
  public LabeledImages data() {
    return data;
  }

  /** What loading the data found: skipped files, whether it came from the cache, notes. */
  public DataReport dataReport() {
    return dataReport;
  }

  /**
   * Session options (threads, precision) of the training session; {@link Precision#sessionConfig}
   * makes them. Default: 2 inter-op threads of half the cores each. Applies to this process only.
   */
  public TrainingRun withSessionConfig(ConfigProto config) {
    this.sessionConfig = config;
    return this;
  }

  /**
   * Chooses the session's thread counts by a short side-by-side trial on this machine, cached in
   * {@code cacheFile}, instead of the fixed rule (2 inter-op threads of half the cores each), as
   * cuDNN's autotuner chooses kernels. The trial runs once per CPU, network and batch, only for
   * runs of at least 2,000 iterations (shorter ones use a cached choice or the rule), and keeps a
   * candidate only if it trains the rule's weights bit for bit: the results are the rule's either
   * way. Needs {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1} in the environment (the CLI sets it);
   * without it the rule stays. {@code report} hears the choice in one line.
   */
  public TrainingRun withThreadTuning(Path cacheFile, Consumer<String> report) {
    this.threadTuning = new ThreadTuning(cacheFile, report, m -> warnings.accept(m));
    return this;
  }

  /**
   * {@link #withThreadTuning(Path, Consumer)} with the choices kept in {@code
   * $CGAN_CACHE_DIR/threads.json}, else {@code ~/.cache/cgan-java/threads.json}.
   */
  public TrainingRun withThreadTuning(Consumer<String> report) {
    return withThreadTuning(ThreadTuning.defaultCacheFile(), report);
  }

  /**
   * Where warnings go (a skipped corrupt checkpoint, a stale index); by default the {@code
   * dev.cgan.train.TrainingRun} SLF4J logger, at WARN.
   */
  public TrainingRun withWarnings(Consumer<String> sink) {
    this.warnings = Objects.requireNonNull(sink);
    return this;
  }

  /** Asks a running {@link #train} to return after the current iteration (listeners then save). */
  public void requestStop() {
    stopRequested.set(true);
  }

  /** Trains with {@link Listeners#standard()}. */
  public Outcome train() throws IOException {
    return train(Listeners.standard());
  }

  /**
   * Trains up to the run's total from its newest checkpoint that restores (skipping corrupt ones,
   * with a warning), calling {@code listeners} around every iteration.
   *
   * @throws DivergedException when a logged loss is NaN or infinite
   */
  public Outcome train(List<TrainingListener> listeners) throws IOException {
    RunFolder run = lock.run();
    Checkpoints checkpoints = run.checkpoints();
    checkpoints.cleanUp();
    ConfigProto config =
        threadTuning == null
            ? sessionConfig
            : threadTuning.choose(sessionConfig, run.settings(), data);
    try (Graph graph = new Graph()) {
      TrainingGraph tg = new TrainingGraph(graph, run.settings(), data);
      try (Session session = config == null ? new Session(graph) : new Session(graph, config)) {
        Checkpoints.Resolution found =
            checkpoints.restoreNewest(
                session::restore,
                "the network and data of " + run.root().resolve(RunFolder.CONFIG),
                warnings);
        long first = 0;
        if (found.restored() == null) {
          session.initialize();
        } else {
          first = TrainingStep.storedIteration(session, tg);
          checkpoints.reindex(found.restored(), found.skipped());
        }
        return loop(new LoopContext(run, session, tg, first, listeners, warnings), listeners);
      }
    }
  }

  private Outcome loop(LoopContext ctx, List<TrainingListener> listeners) throws IOException {
    RunSettings settings = ctx.settings();
    long total = settings.iterations();
    TrainingStep step = ctx.step();
    Metrics last = null;
    IOException failure = null;
    try {
      for (TrainingListener l : listeners) {
        l.onTrainBegin(ctx);
      }
      long t0 = System.nanoTime();
      long windowStart = t0;
      long windowIterations = 0;
      while (step.iteration() < total && !stopRequested.get()) {
        boolean logNow =
            (step.iteration() + 1) % settings.logInterval() == 0 || step.iteration() + 1 == total;
        float[] m = step.run(logNow);
        windowIterations++;
        if (logNow) {
          long now = System.nanoTime();
          double ips =
              windowIterations * (double) settings.batchSize() / ((now - windowStart) / 1e9);
          last = ctx.metrics(m, ips, (now - t0) / 1e9);
          windowStart = now;
          windowIterations = 0;
          ctx.requireFinite(last);
          for (TrainingListener l : listeners) {
            l.onLog(ctx, last);
          }
        }
        for (TrainingListener l : listeners) {
          l.onIterationEnd(ctx);
        }
      }
      Outcome outcome = new Outcome(step.iteration(), step.iteration() < total, last);
      for (TrainingListener l : listeners) {
        l.onTrainEnd(ctx, outcome);
      }
      return outcome;
    } catch (IOException e) {
      failure = e;
      throw e;
    } finally {
      for (int i = listeners.size() - 1; i >= 0; i--) {
        try {
          listeners.get(i).close();
        } catch (IOException e) {
          if (failure == null) {
            failure = e;
            throw e;
          }
          failure.addSuppressed(e);
        }
      }
    }
  }

  /** Releases the run folder's lock. */
  @Override
  public void close() throws IOException {
    lock.close();
  }
}
