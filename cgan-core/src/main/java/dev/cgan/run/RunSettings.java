package dev.cgan.run;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.DataSource;
import dev.cgan.internal.Seeds;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Labels;
import java.util.List;
import java.util.Objects;

/**
 * Everything that defines a training run: what its {@code run.json} stores, what a new run is
 * created from, what a resumed run keeps. Built with {@link #builder(DataSource)}; the defaults are
 * the reference's (network, least-squares losses, Adam 2·10⁻⁴, β = (0.5, 0.999), batch 64).
 *
 * <pre>{@code
 * RunSettings settings = RunSettings.builder(DataSource.embedded())
 *     .epochs(150)
 *     .seed(1)
 *     .resultLabels("2026112701")
 *     .build();
 * }</pre>
 *
 * <p>Every value is checked once, here, whoever makes the settings (the builder, a {@code run.json}
 * being read): a value that cannot work is an {@link InvalidSettingException} naming the setting.
 * What depends on the data (the batch against the number of images, the class count, epochs in
 * iterations) is settled when a run is created: a run's own settings always have {@link
 * #iterations()} and {@link #classes()} set.
 *
 * @param data where the images come from
 * @param network the networks' shape; its class count is {@link #classes()} once that is set
 * @param classes number of classes, or 0 for "from the data" (max(label) + 1, at least 2)
 * @param epochs epochs asked for, or null when the length is in iterations (always once resolved)
 * @param iterations total iterations (one G step and one D step each); null until resolved when the
 *     length was given in epochs
 * @param batchSize images per iteration (reference: 64)
 * @param seed seeds the initial weights, data order, noise, labels, dropout and the result image
 * @param learningRate Adam learning rate of both networks (reference: 2e-4)
 * @param beta1 Adam β₁ (reference: 0.5)
 * @param beta2 Adam β₂ (reference: 0.999)
 * @param twoStep the reference's G step and D step as two session runs (slower, same mathematics)
 * @param emaDecay decay of the averaged generator kept beside G; 0 keeps none (the reference, and
 *     what a run.json written before the average reads as)
 * @param sampleInterval iterations between sample grids
 * @param checkpointInterval iterations between checkpoints
 * @param logInterval iterations between metrics rows
 * @param keep newest checkpoints kept
 * @param resultLabels labels rendered into the result image: digits ("2026112701") or a list
 *     ("3,1,4"); null (until resolved) for every class once
 * @param classNames names of the classes in label order, or null
 */
public record RunSettings(
    DataSource data,
    CganConfig network,
    int classes,
    Integer epochs,
    Long iterations,
    int batchSize,
    long seed,
    float learningRate,
    float beta1,
    float beta2,
    boolean twoStep,
    float emaDecay,
    int sampleInterval,
    int checkpointInterval,
    int logInterval,
    int keep,
    String resultLabels,
    List<String> classNames) {

  /** Epochs of a run that says neither epochs nor iterations. */
  public static final int DEFAULT_EPOCHS = 150;

  /** Decay of the averaged generator of a run that does not say (0 turns the average off). */
  public static final float DEFAULT_EMA_DECAY = 0.999f;

  /** The reference's batch size. */
  public static final int DEFAULT_BATCH_SIZE = 64;

  /** The seed of a run that does not say. */
  public static final long DEFAULT_SEED = 1;

  /** The reference's Adam learning rate, of both networks. */
  public static final float DEFAULT_LEARNING_RATE = 2e-4f;

  /** Iterations between sample grids, checkpoints and metrics rows of a run that does not say. */
  public static final int DEFAULT_SAMPLE_INTERVAL = 500,
      DEFAULT_CHECKPOINT_INTERVAL = 1000,
      DEFAULT_LOG_INTERVAL = 100;

  /** Newest checkpoints a run keeps when it does not say. */
  public static final int DEFAULT_KEEP = 3;

  /**
   * @throws InvalidSettingException naming the first setting that cannot work
   */
  public RunSettings {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(network, "network");
    require(batchSize >= 2, "batchSize", "must be at least 2 (BatchNorm needs a batch)", batchSize);
    if (epochs != null) {
      require(epochs >= 0, "epochs", "must not be negative", epochs);
    }
    if (iterations != null) {
      require(iterations >= 0, "iterations", "must not be negative", iterations);
    }
    require(
        classes == 0 || classes >= 2 && classes <= CganConfig.MAX_CLASSES,
        "classes",
        "must be 2 to " + CganConfig.MAX_CLASSES + ", or 0 for the data's",
        classes);
    if (classes > 0 && network.numClasses() != classes) {
      throw new InvalidSettingException(
          "network", "has " + network.numClasses() + " classes where the run has " + classes);
    }
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new InvalidSettingException("learningRate", "must be positive, got " + learningRate);
    }
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
      throw new InvalidSettingException(
          "adamBetas", "must be in [0, 1), got " + beta1 + " and " + beta2);
    }
    if (!(emaDecay >= 0 && emaDecay < 1)) {
      throw new InvalidSettingException(
          "emaDecay", "must be in [0, 1) (0: no average), got " + emaDecay);
    }
    require(sampleInterval >= 1, "sampleInterval", "must be at least 1", sampleInterval);
    require(
        checkpointInterval >= 1, "checkpointInterval", "must be at least 1", checkpointInterval);
    require(logInterval >= 1, "logInterval", "must be at least 1", logInterval);
    require(keep >= 1, "keep", "must be at least 1", keep);
    if (resultLabels != null) {
      parseLabels(resultLabels, classes > 0 ? classes : Integer.MAX_VALUE);
    }
    if (classNames != null) {
      classNames = List.copyOf(classNames);
      if (classNames.isEmpty()) {
        throw new InvalidSettingException("classNames", "is empty: give one name per class");
      }
      if (classes > 0 && classNames.size() != classes) {
        throw new InvalidSettingException(
            "classNames",
            "has " + classNames.size() + " names but the data has " + classes + " classes");
      }
    }
  }

  private static void require(boolean ok, String setting, String rule, long value) {
    if (!ok) {
      throw new InvalidSettingException(setting, rule + ", got " + value);
    }
  }

  /** Settings with the reference's defaults, training on {@code data}. */
  public static Builder builder(DataSource data) {
    return new Builder(Objects.requireNonNull(data, "data"));
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder(data);
    b.network = network;
    b.classes = classes;
    b.epochs = epochs;
    b.iterations = iterations;
    b.batchSize = batchSize;
    b.seed = seed;
    b.learningRate = learningRate;
    b.beta1 = beta1;
    b.beta2 = beta2;
    b.twoStep = twoStep;
    b.emaDecay = emaDecay;
    b.sampleInterval = sampleInterval;
    b.checkpointInterval = checkpointInterval;
    b.logInterval = logInterval;
    b.keep = keep;
    b.resultLabels = resultLabels;
    b.classNames = classNames;
    return b;
  }

  /** Whether the run keeps an averaged generator. */
  public boolean averaged() {
    return emaDecay > 0;
  }

  /** The result labels as class indices (set once the run is resolved). */
  public int[] resultLabelIndices() {
    return parseLabels(resultLabels, network.numClasses());
  }

  /** The sample grids' noise seed: fixed per run, so grids along the run are comparable. */
  public long gridSeed() {
    return Seeds.derive(seed, 99);
  }

  /** The evaluation samples' noise seed. */
  public long evaluationSeed() {
    return Seeds.derive(seed, 98);
  }

  /** Parses result labels; problems are reported against the {@code resultLabels} setting. */
  static int[] parseLabels(String labels, int numClasses) {
    try {
      return Labels.parse(labels, numClasses, "resultLabels");
    } catch (InvalidSettingException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw InvalidSettingException.worded("resultLabels", e.getMessage());
    }
  }

  /** Named settings with the reference's defaults; {@link #build()} makes the checked record. */
  public static final class Builder {
    private DataSource data;
    private CganConfig network = CganConfig.reference();
    private int classes;
    private Integer epochs;
    private Long iterations;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private long seed = DEFAULT_SEED;
    private float learningRate = DEFAULT_LEARNING_RATE;
    private float beta1 = 0.5f;
    private float beta2 = 0.999f;
    private boolean twoStep;
    private float emaDecay = DEFAULT_EMA_DECAY;
    private int sampleInterval = DEFAULT_SAMPLE_INTERVAL;
    private int checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private int logInterval = DEFAULT_LOG_INTERVAL;
    private int keep = DEFAULT_KEEP;
    private String resultLabels;
    private List<String> classNames;

    private Builder(DataSource data) {
      this.data = data;
    }

    public Builder data(DataSource source) {
      this.data = Objects.requireNonNull(source, "data");
      return this;
    }

    /**
     * The network's shape (default: the reference); its class count is replaced by {@link
     * #classes(int)} or, by default, taken from the data.
     */
    public Builder network(CganConfig shape) {
      this.network = Objects.requireNonNull(shape, "network");
      return this;
    }

    /** Number of classes (default 0: max(label) + 1 of the data, at least 2). */
    public Builder classes(int n) {
      this.classes = n;
      return this;
    }

    /** Length in epochs over the data (default {@value #DEFAULT_EPOCHS}); clears iterations. */
    public Builder epochs(int n) {
      this.epochs = n;
      this.iterations = null;
      return this;
    }

    /** Length in iterations (one G step and one D step each); clears epochs. */
    public Builder iterations(long n) {
      this.iterations = n;
      this.epochs = null;
      return this;
    }

    /** Images per iteration (reference: 64). */
    public Builder batchSize(int n) {
      this.batchSize = n;
      return this;
    }

    /** Seeds the initial weights, data order, noise, labels, dropout and the result image. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Adam learning rate of both networks (reference: 2e-4). */
    public Builder learningRate(float rate) {
      this.learningRate = rate;
      return this;
    }

    /** Adam β₁ and β₂ of both networks (reference: 0.5, 0.999). */
    public Builder adamBetas(float b1, float b2) {
      this.beta1 = b1;
      this.beta2 = b2;
      return this;
    }

    /** Run the reference's G step and D step as two session runs: slower, same mathematics. */
    public Builder twoStep(boolean literal) {
      this.twoStep = literal;
      return this;
    }

    /**
     * Decay of the exponential moving average of G's weights kept beside them (default {@value
     * #DEFAULT_EMA_DECAY}); samples, the result, exports and evaluations then use the average. 0
     * keeps none: the reference's training exactly.
     */
    public Builder emaDecay(float decay) {
      this.emaDecay = decay;
      return this;
    }

    /** Iterations between sample grids (default 500). */
    public Builder sampleInterval(int n) {
      this.sampleInterval = n;
      return this;
    }

    /** Iterations between checkpoints (default 1000). */
    public Builder checkpointInterval(int n) {
      this.checkpointInterval = n;
      return this;
    }

    /** Iterations between metrics rows (default 100). */
    public Builder logInterval(int n) {
      this.logInterval = n;
      return this;
    }

    /** Newest checkpoints kept (default 3). */
    public Builder keep(int n) {
      this.keep = n;
      return this;
    }

    /**
     * Labels rendered into the result image: digits ("2026112701") or a list ("3,1,4"); default:
     * every class once.
     */
    public Builder resultLabels(String labels) {
      this.resultLabels = labels;
      return this;
    }

    /** Names of the classes in label order, stored with the model; null for none. */
    public Builder classNames(List<String> names) {
      this.classNames = names;
      return this;
    }

    /**
     * The settings, checked.
     *
     * @throws InvalidSettingException naming the first setting that cannot work
     */
    public RunSettings build() {
      CganConfig shape =
          classes >= 2 && classes <= CganConfig.MAX_CLASSES
              ? network.withNumClasses(classes)
              : network;
      return new RunSettings(
          data,
          shape,
          classes,
          epochs,
          iterations,
          batchSize,
          seed,
          learningRate,
          beta1,
          beta2,
          twoStep,
          emaDecay,
          sampleInterval,
          checkpointInterval,
          logInterval,
          keep,
          resultLabels,
          classNames);
    }
  }
}
