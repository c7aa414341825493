package dev.cgan.train;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.DataSource;
import dev.cgan.data.LabeledImages;
import dev.cgan.data.MnistDownloader;
import dev.cgan.image.Tiles;
import dev.cgan.internal.Seeds;
import dev.cgan.internal.TensorArrays;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Weights;
import dev.cgan.run.Checkpoints;
import dev.cgan.run.RunConfig;
import dev.cgan.run.RunFolder;
import dev.cgan.run.TrainingSpec;
import dev.cgan.train.internal.MemoryLimits;
import dev.cgan.train.internal.TrainingGraph;
import dev.cgan.train.internal.TrainingMemory;
import dev.cgan.train.internal.TrainingStep;
import dev.cgan.train.internal.TrainingThreads;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

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
 * <p>The rules of a run live here: settings are checked once, before anything is written; the data
 * is loaded once, from the run's own description; a new run only goes into a new or empty folder; a
 * run folder is changed only by the one process that holds its lock (from {@code create} or {@code
 * resume} until {@link #close}); a resumed run keeps what defines it and may only be extended,
 * never shortened below the iteration reached.
 */
public final class TrainingRun implements AutoCloseable {
  /** Rows of a sample grid; each row holds one sample of every class, in class order. */
  public static final int GRID_ROWS = 10;

  /** How a call of {@link #train} ended. */
  public record Outcome(long iterations, boolean stoppedEarly, Metrics lastMetrics) {}

  /** A NaN or infinite loss; the newest checkpoint is the last good state. */
  public static final class DivergedException extends IOException {
    private static final long serialVersionUID = 1L;

    DivergedException(Metrics m, Path lastGood) {
      super(
          "training diverged at iteration "
              + m.iteration()
              + " (d_loss "
              + m.discriminatorLoss()
              + ", g_loss "
              + m.generatorLoss()
              + "); the last good checkpoint is "
              + (lastGood == null ? "none" : lastGood.getFileName()));
    }
  }

  private RunFolder.Locked lock;
  private final RunSettings settings;
  private final LabeledImages data;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private ConfigProto sessionConfig = TrainingThreads.config();
  private Consumer<String> warnings = System.err::println;

  private TrainingRun(RunFolder.Locked lock, RunSettings settings, LabeledImages data) {
    this.lock = lock;
    this.settings = settings;
    this.data = data;
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
    RunFolder.checkCanCreate(folder);
    // The class count is known once the labels are read; the fewest classes give a need the run
    // has at least, so data that cannot fit is refused before it is read.
    DataSource.DataShape shape = settings.data().shape();
    checkMemory(
        settings.network().withNumClasses(Math.max(settings.classes(), 2)),
        settings,
        shape,
        null,
        false);
    LabeledImages data = settings.data().load(settings.classes(), progress);
    RunSettings resolved = resolve(settings, data, shape.source());
    RunFolder.Locked lock = RunFolder.create(folder, toConfig(resolved));
    return new TrainingRun(lock, resolved, data);
  }

  /** Opens the run in {@code folder} to train on up to its configured total. */
  public static TrainingRun resume(Path folder) throws IOException {
    return resume(folder, b -> b, MnistDownloader.Progress.NONE);
  }

  /**
   * Opens the run in {@code folder} with some settings changed: the length ({@link
   * RunSettings.Builder#iterations} or {@link RunSettings.Builder#epochs}, which may extend the run
   * but not go back below the iteration reached), and the intervals and {@code keep}. Settings that
   * define what the run computes (data, network, batch, seed, optimiser, result labels) cannot
   * change. The changes are stored in {@code run.json}, under the run's lock.
   *
   * @param changes applied to a builder holding the run's settings
   * @throws InvalidSettingException naming a setting that cannot change or would go back
   */
  public static TrainingRun resume(
      Path folder, UnaryOperator<RunSettings.Builder> changes, MnistDownloader.Progress progress)
      throws IOException {
    RunFolder read = RunFolder.open(folder);
    RunSettings stored = fromConfig(read.config());
    RunSettings.Builder asked = changes.apply(stored.toBuilder());
    // Built before the lock, so that a refused change writes nothing.
    RunSettings wanted = asked.build();
    requireSameDefinition(stored, wanted, folder);
    RunFolder.Locked lock = read.lock();
    try {
      // Read again under the lock: what another trainer wrote before it let go counts.
      RunFolder run = RunFolder.open(folder);
      stored = fromConfig(run.config());
      checkMemory(
          stored.network(), stored, stored.data().shape(), folder.resolve(RunFolder.CONFIG), false);
      LabeledImages data = stored.data().load(stored.network().numClasses(), progress);
      if (data.count() < stored.batchSize()) {
        throw new InvalidSettingException(
            "batchSize",
            stored.batchSize() + " is larger than the data (" + data.count() + " images)");
      }
      long total = stored.iterations();
      if (wanted.epochs() != null || !Objects.equals(wanted.iterations(), stored.iterations())) {
        total = length(wanted, data.count() / stored.batchSize());
        long reached = run.checkpoints().latest().map(Checkpoints::iterationOf).orElse(0L);
        if (total < reached) {
          throw new InvalidSettingException(
              wanted.epochs() != null ? "epochs" : "iterations",
              (wanted.epochs() != null ? wanted.epochs() : total)
                  + " would go back: "
                  + folder
                  + " is already at iteration "
                  + reached);
        }
      }
      RunSettings resumed =
          stored.toBuilder()
              .iterations(total)
              .sampleInterval(wanted.sampleInterval())
              .checkpointInterval(wanted.checkpointInterval())
              .logInterval(wanted.logInterval())
              .keep(wanted.keep())
              .build();
      if (!resumed.equals(stored)) {
        lock.update(toConfig(resumed));
      }
      return new TrainingRun(lock, resumed, data);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static void requireSameDefinition(RunSettings a, RunSettings b, Path folder) {
    String changed = null;
    if (!a.data().id().equals(b.data().id())) {
      changed = "data";
    } else if (!a.network().equals(b.network().withNumClasses(a.network().numClasses()))
        || b.classes() != 0 && b.classes() != a.classes()) {
      changed = "network";
    } else if (a.batchSize() != b.batchSize()) {
      changed = "batchSize";
    } else if (a.seed() != b.seed()) {
      changed = "seed";
    } else if (a.learningRate() != b.learningRate()) {
      changed = "learningRate";
    } else if (a.beta1() != b.beta1() || a.beta2() != b.beta2()) {
      changed = "adamBetas";
    } else if (a.twoStep() != b.twoStep()) {
      changed = "twoStep";
    } else if (a.emaDecay() != b.emaDecay()) {
      changed = "emaDecay";
    } else if (!Objects.equals(a.resultLabels(), b.resultLabels())) {
      changed = "resultLabels";
    } else if (!Objects.equals(a.classNames(), b.classNames())) {
      changed = "classNames";
    }
    if (changed != null) {
      throw new InvalidSettingException(
          changed,
          "cannot change when a run is resumed: it keeps the settings in "
              + folder.resolve(RunFolder.CONFIG));
    }
  }

  /** Data-dependent checks, the class count and the length in iterations. */
  private static RunSettings resolve(RunSettings s, LabeledImages data, String source)
      throws NotEnoughMemoryException {
    int classes = s.classes() > 0 ? s.classes() : Math.max(data.numClasses(), 2);
    CganConfig network = s.network().withNumClasses(classes);
    if (s.classNames() != null && s.classNames().size() != classes) {
      throw new InvalidSettingException(
          "classNames",
          "has " + s.classNames().size() + " names but the data has " + classes + " classes");
    }
    if (data.count() < s.batchSize()) {
      throw new InvalidSettingException(
          "batchSize", s.batchSize() + " is larger than the data (" + data.count() + " images)");
    }
    checkMemory(
        network,
        s,
        new DataSource.DataShape(source, data.count(), data.height(), data.width(), 0),
        null,
        true);
    String labels = s.resultLabels() != null ? s.resultLabels() : everyClass(classes);
    RunSettings.parseLabels(labels, classes);
    return s.toBuilder()
        .network(network)
        .classes(classes)
        .iterations(length(s, data.count() / s.batchSize()))
        .resultLabels(labels)
        .build();
  }

  private static long length(RunSettings s, long perEpoch) {
    if (s.iterations() != null) {
      return s.iterations();
    }
    long epochs = s.epochs() != null ? s.epochs() : RunSettings.DEFAULT_EPOCHS;
    if (epochs > Long.MAX_VALUE / Math.max(perEpoch, 1)) {
      throw new InvalidSettingException("epochs", "is too large, got " + epochs);
    }
    return epochs * perEpoch;
  }

  /**
   * Refuses a run whose data or networks cannot fit: the data on the Java heap ({@code -Xmx}), and
   * what TensorFlow allocates (see {@link TrainingMemory}) together with the heap still to be taken
   * in this machine's available memory.
   *
   * @param config the run's run.json when resuming (then it is named for a network too large), or
   *     null when creating (then the image size is)
   * @param loaded whether the data is already on the heap
   */
  private static void checkMemory(
      CganConfig network, RunSettings s, DataSource.DataShape data, Path config, boolean loaded)
      throws NotEnoughMemoryException {
    TrainingMemory need = TrainingMemory.of(network, s.batchSize(), s.emaDecay() > 0, data);
    long heap = loaded ? 0 : need.heapBytes();
    MemoryLimits have = MemoryLimits.current();
    if (heap > have.freeHeap()) {
      // Garbage counts as used until it is collected; only what stays is a reason to refuse.
      System.gc();
      have = MemoryLimits.current();
    }
    String images = data.count() + " images of " + data.height() + "x" + data.width();
    if (heap > have.freeHeap()) {
      throw new NotEnoughMemoryException(
          data.source()
              + ": "
              + images
              + " need about "
              + mib(heap)
              + " MiB of Java heap to load, and this JVM has "
              + (have.freeHeap() >> 20)
              + " MiB free of its "
              + (have.maxHeap() >> 20)
              + " MiB maximum; raise it with -Xmx, or train on fewer images",
          heap,
          have.freeHeap());
    }
    long heapToTake = Math.max(0, heap - (have.committedHeap() - have.usedHeap()));
    long total = need.nativeBytes() + heapToTake;
    long available = have.availableNative();
    if (total <= available) {
      return;
    }
    String model =
        "imageSize "
            + network.imageSize()
            + " with "
            + network.numClasses()
            + " classes needs about "
            + mib(need.modelBytes())
            + " MiB for the networks, their optimiser state, one iteration and TensorFlow itself;"
            + " this machine has "
            + (available >> 20)
            + " MiB available ("
            + have.nativeSource()
            + ")";
    if (need.modelBytes() > available) {
      if (config == null) {
        throw new InvalidSettingException("imageSize", model);
      }
      throw new NotEnoughMemoryException(config + ": " + model, need.modelBytes(), available);
    }
    throw new NotEnoughMemoryException(
        data.source()
            + ": training on "
            + images
            + " needs about "
            + mib(total)
            + " MiB of memory (TensorFlow keeps up to "
            + TrainingMemory.DATA_COPIES
            + " copies of the data while it builds the graph: "
            + mib(need.dataBytes())
            + " MiB), and this machine has "
            + (available >> 20)
            + " MiB available ("
            + have.nativeSource()
            + "); train on fewer images",
        total,
        available);
  }

  /** Needed bytes in MiB, rounded up (what is there is rounded down). */
  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  static String everyClass(int classes) {
    List<String> all = new ArrayList<>();
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < classes; i++) {
      all.add(Integer.toString(i));
      digits.append(i);
    }
    return classes <= 10 ? digits.toString() : String.join(",", all);
  }

  static RunConfig toConfig(RunSettings s) {
    TrainingSpec spec =
        new TrainingSpec(
            s.network(),
            s.batchSize(),
            s.seed(),
            s.iterations(),
            s.learningRate(),
            s.beta1(),
            s.beta2(),
            s.twoStep(),
            s.emaDecay());
    List<String> mirrors =
        s.data() instanceof DataSource.Mnist m && !m.mirrors().isEmpty()
            ? m.mirrors().stream().map(URI::toString).toList()
            : null;
    return new RunConfig(
        spec,
        s.data().id(),
        s.sampleInterval(),
        s.checkpointInterval(),
        s.logInterval(),
        s.keep(),
        s.resultLabels(),
        s.classNames(),
        mirrors);
  }

  static RunSettings fromConfig(RunConfig c) {
    TrainingSpec t = c.spec();
    List<URI> mirrors =
        c.mirrors() == null ? List.of() : c.mirrors().stream().map(URI::create).toList();
    return RunSettings.builder(DataSource.fromId(c.data(), mirrors))
        .network(t.model())
        .classes(t.model().numClasses())
        .iterations(t.iterations())
        .batchSize(t.batchSize())
        .seed(t.seed())
        .learningRate(t.learningRate())
        .adamBetas(t.beta1(), t.beta2())
        .twoStep(t.twoStep())
        .emaDecay(t.emaDecay())
        .sampleInterval(c.sampleInterval())
        .checkpointInterval(c.checkpointInterval())
        .logInterval(c.logInterval())
        .keep(c.keep())
        .resultLabels(c.digits())
        .classNames(c.classNames())
        .build();
  }

  /** The run folder. */
  public Path folder() {
    return lock.run().root();
  }

  /** The run's settings, resolved: iterations and the class count are set. */
  public RunSettings settings() {
    return settings;
  }

  /** The training images, as loaded once from the run's data source. */
  public LabeledImages data() {
    return data;
  }

  /**
   * Session options (threads, precision) of the training session; {@link Precision#sessionConfig}
   * makes them. Default: 2 inter-op threads of half the cores each. Applies to this process only.
   */
  public TrainingRun withSessionConfig(ConfigProto config) {
    this.sessionConfig = config;
    return this;
  }

  /** Where warnings go (a skipped corrupt checkpoint, a stale index); default standard error. */
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
    TrainingSpec spec = run.config().spec();
    try (Graph graph = new Graph()) {
      TrainingGraph tg = new TrainingGraph(graph, spec, data);
      try (Session session =
          sessionConfig == null ? new Session(graph) : new Session(graph, sessionConfig)) {
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
        return loop(new Context(run, session, tg, first, listeners), listeners);
      }
    }
  }

  private Outcome loop(Context ctx, List<TrainingListener> listeners) throws IOException {
    long total = settings.iterations();
    TrainingStep step = ctx.step;
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
    if (lock != null) {
      lock.close();
    }
  }

  /** The loop's state as listeners see it. */
  private final class Context implements TrainingContext {
    private final RunFolder run;
    private final Session session;
    private final TrainingGraph tg;
    private final TrainingStep step;
    private final long first;
    private final List<TrainingListener> listeners;
    private long averageRefreshedAt = -1;

    Context(
        RunFolder run,
        Session session,
        TrainingGraph tg,
        long first,
        List<TrainingListener> listeners) {
      this.run = run;
      this.session = session;
      this.tg = tg;
      this.first = first;
      this.step = new TrainingStep(session, tg, settings.twoStep(), first);
      this.listeners = listeners;
    }

    Metrics metrics(float[] m, double ips, double elapsed) {
      long it = step.iteration();
      return new Metrics(
          it, (it - 1) / tg.iterationsPerEpoch, m[0], m[1], m[2], m[3], ips, elapsed);
    }

    void requireFinite(Metrics m) throws IOException {
      if (!m.isFinite()) {
        throw new DivergedException(m, run.checkpoints().latest().orElse(null));
      }
    }

    @Override
    public Path folder() {
      return run.root();
    }

    @Override
    public RunSettings settings() {
      return settings;
    }

    @Override
    public long iteration() {
      return step.iteration();
    }

    @Override
    public long firstIteration() {
      return first;
    }

    @Override
    public long totalIterations() {
      return settings.iterations();
    }

    @Override
    public long iterationsPerEpoch() {
      return tg.iterationsPerEpoch;
    }

    @Override
    public float[][] sampleImages(int[] labels, long seed, Weights weights) {
      try (Result r = sample(labels, seed, weights, tg.sampleImages(weights))) {
        return TensorArrays.rows((TFloat32) r.get(0));
      }
    }

    @Override
    public byte[] samplePixels(int[] labels, long seed, Weights weights) {
      try (Result r = sample(labels, seed, weights, tg.samplePixels(weights))) {
        return TensorArrays.bytes((TUint8) r.get(0));
      }
    }

    /**
     * The average's BatchNorm statistics are recomputed lazily, once per iteration that reads the
     * average or saves it, so a checkpoint's statistics always fit its averaged weights.
     */
    private void refreshAverage() {
      if (tg.averaged != null && averageRefreshedAt != step.iteration()) {
        session.runner().addTarget(tg.refreshAverageStatistics).run();
        averageRefreshedAt = step.iteration();
      }
    }

    @Override
    public BufferedImage sampleGrid(long seed) {
      CganConfig model = settings.network();
      int classes = model.numClasses();
      int[] labels = new int[GRID_ROWS * classes];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = i % classes;
      }
      int size = model.imageSize();
      return Tiles.grid(
          samplePixels(labels, seed), GRID_ROWS, classes, size, size, model.channels());
    }

    private Result sample(int[] labels, long seed, Weights weights, Operand<?> output) {
      if (weights == Weights.EMA) {
        refreshAverage();
      }
      try (TInt32 l = TInt32.vectorOf(labels);
          TInt64 s = TInt64.scalarOf(seed)) {
        return session.runner().feed(tg.sampleLabels, l).feed(tg.sampleSeed, s).fetch(output).run();
      }
    }

    @Override
    public Metrics currentMetrics() {
      return metrics(step.currentMetrics(), 0, 0);
    }

    @Override
    public void saveVariables(String prefix) throws IOException {
      try {
        refreshAverage();
        session.save(prefix);
      } catch (RuntimeException e) {
        // TensorFlow's errors are TensorFlowExceptions or, for some codes,
        // IllegalArgumentException; the first line of the message has the errno.
        throw new IOException(TensorArrays.firstLine(e.getMessage()), e);
      }
    }

    @Override
    public void publishScalars(long s, Map<String, Float> values) throws IOException {
      for (TrainingListener l : listeners) {
        l.onScalars(this, s, values);
      }
    }

    @Override
    public void publishImage(long s, String tag, BufferedImage image) throws IOException {
      for (TrainingListener l : listeners) {
        l.onImage(this, s, tag, image);
      }
    }

    @Override
    public void warn(String message) {
      warnings.accept(message);
    }
  }

  /** The sample grid's noise seed: fixed per run, so grids along the run are comparable. */
  static long gridSeed(RunSettings s) {
    return Seeds.derive(s.seed(), 99);
  }

  /** The evaluation samples' noise seed. */
  public static long evaluationSeed(RunSettings s) {
    return Seeds.derive(s.seed(), 98);
  }
}
