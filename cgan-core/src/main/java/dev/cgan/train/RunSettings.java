package dev.cgan.train;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.DataSource;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Labels;
import java.util.List;
import java.util.Objects;

/**
 * Everything that defines a training run, built with {@link #builder(DataSource)}; the defaults are
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
 * <p>{@link Builder#build()} refuses values that cannot work with an {@link
 * InvalidSettingException} naming the setting; what depends on the data (the batch against the
 * number of images, the classes, the epochs in iterations) is checked by {@link
 * TrainingRun#create}, which also resolves the settings: a run's own settings ({@link
 * TrainingRun#settings()}) always have {@link #iterations()} and the network's class count set.
 */
public final class RunSettings {
  /** Epochs of a run that says neither epochs nor iterations. */
  public static final int DEFAULT_EPOCHS = 150;

  /** Decay of the averaged generator of a run that does not say (0 turns the average off). */
  public static final float DEFAULT_EMA_DECAY = 0.999f;

  private final DataSource data;
  private final CganConfig network;
  private final int classes;
  private final Integer epochs;
  private final Long iterations;
  private final int batchSize;
  private final long seed;
  private final float learningRate;
  private final float beta1;
  private final float beta2;
  private final boolean twoStep;
  private final float emaDecay;
  private final int sampleInterval;
  private final int checkpointInterval;
  private final int logInterval;
  private final int keep;
  private final String resultLabels;
  private final List<String> classNames;

  private RunSettings(Builder b) {
    data = b.data;
    network = b.network;
    classes = b.classes;
    epochs = b.epochs;
    iterations = b.iterations;
    batchSize = b.batchSize;
    seed = b.seed;
    learningRate = b.learningRate;
    beta1 = b.beta1;
    beta2 = b.beta2;
    twoStep = b.twoStep;
    emaDecay = b.emaDecay;
    sampleInterval = b.sampleInterval;
    checkpointInterval = b.checkpointInterval;
    logInterval = b.logInterval;
    keep = b.keep;
    resultLabels = b.resultLabels;
    classNames = b.classNames;
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

  public DataSource data() {
    return data;
  }

  /**
   * The network's shape. Its class count is {@link #classes()} once the run resolved it; before,
   * the builder's network is returned as given.
   */
  public CganConfig network() {
    return network;
  }

  /** Number of classes, or 0 for "from the data" (max(label) + 1, at least 2). */
  public int classes() {
    return classes;
  }

  /** Epochs asked for, or null when the length was given in iterations or has been resolved. */
  public Integer epochs() {
    return epochs;
  }

  /** Total iterations of the run; null until resolved when the length was given in epochs. */
  public Long iterations() {
    return iterations;
  }

  public int batchSize() {
    return batchSize;
  }

  public long seed() {
    return seed;
  }

  public float learningRate() {
    return learningRate;
  }

  public float beta1() {
    return beta1;
  }

  public float beta2() {
    return beta2;
  }

  public boolean twoStep() {
    return twoStep;
  }

  /** Decay of the averaged generator; 0 when the run keeps none. */
  public float emaDecay() {
    return emaDecay;
  }

  public int sampleInterval() {
    return sampleInterval;
  }

  public int checkpointInterval() {
    return checkpointInterval;
  }

  public int logInterval() {
    return logInterval;
  }

  public int keep() {
    return keep;
  }

  /** The labels rendered into the run's result image; null for every class once. */
  public String resultLabels() {
    return resultLabels;
  }

  /** Names of the classes in label order, or null. */
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunSettings s && s.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return "RunSettings[data="
        + data
        + ", network="
        + network
        + ", classes="
        + classes
        + ", epochs="
        + epochs
        + ", iterations="
        + iterations
        + ", batchSize="
        + batchSize
        + ", seed="
        + seed
        + ", learningRate="
        + learningRate
        + ", beta1="
        + beta1
        + ", beta2="
        + beta2
        + ", twoStep="
        + twoStep
        + ", emaDecay="
        + emaDecay
        + ", sampleInterval="
        + sampleInterval
        + ", checkpointInterval="
        + checkpointInterval
        + ", logInterval="
        + logInterval
        + ", keep="
        + keep
        + ", resultLabels="
        + resultLabels
        + ", classNames="
        + classNames
        + "]";
  }

  /** Named settings with defaults; {@link #build()} checks them all. */
  public static final class Builder {
    private DataSource data;
    private CganConfig network = CganConfig.reference();
    private int classes;
    private Integer epochs;
    private Long iterations;
    private int batchSize = 64;
    private long seed = 1;
    private float learningRate = 2e-4f;
    private float beta1 = 0.5f;
    private float beta2 = 0.999f;
    private boolean twoStep;
    private float emaDecay = DEFAULT_EMA_DECAY;
    private int sampleInterval = 500;
    private int checkpointInterval = 1000;
    private int logInterval = 100;
    private int keep = 3;
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
      this.classNames = names == null ? null : List.copyOf(names);
      return this;
    }

    /**
     * Checks every setting that can be checked without the data.
     *
     * @throws InvalidSettingException naming the first setting that cannot work
     */
    public RunSettings build() {
      require(
          batchSize >= 2, "batchSize", "must be at least 2 (BatchNorm needs a batch)", batchSize);
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
        parseLabels(resultLabels, Integer.MAX_VALUE);
      }
      if (classNames != null && classNames.isEmpty()) {
        throw new InvalidSettingException("classNames", "is empty: give one name per class");
      }
      return new RunSettings(this);
    }

    private static void require(boolean ok, String setting, String rule, long value) {
      if (!ok) {
        throw new InvalidSettingException(setting, rule + ", got " + value);
      }
    }
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
}
