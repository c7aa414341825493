package dev.cgan.model;

import dev.cgan.InvalidSettingException;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of the conv networks for one {@link CganConfig}: where the feature maps start, how
 * many times they double, how many channels each has, and what that costs. The one place these
 * sizes are worked out: {@link ConvGenerator} and {@link ConvDiscriminator} are built from it, the
 * memory estimate and the benchmark's FLOP count read it.
 *
 * <p>An image side S is B·2ⁿ with n ≥ 2 doublings and a base side B from 3 to 8 (S halved while it
 * is even and its half at least 3): 16 = 4·2², 28 = 7·2², 32 = 4·2³, 64 = 4·2⁴. With width w, G's
 * maps have g_i = w·2ⁿ⁻¹⁻ⁱ channels at side B·2ⁱ (i = 0 … n−1) and its last upsampling makes the
 * image's channels; D's strided convolutions have d_i = w·2ⁱ channels at side S/2ⁱ⁺¹.
 *
 * <pre>
 * 32×32, width 32:  G  110 → 4·4·128 → 8·8·64 → 16·16·32 → 32·32·1
 *                   D  32·32·(1 + the label's plane) → 16·16·32 → 8·8·64 → 4·4·128 → 1
 * </pre>
 */
public final class ConvPlan {
  /** Kernel side of D's strided convolutions and of G's transposed convolutions. */
  public static final int DOWN_KERNEL = 4;

  /** Kernel side of the convolution after a nearest-neighbour resize. */
  public static final int RESIZE_KERNEL = 3;

  /** How G doubles its maps (see {@link dev.cgan.model.layers.Upsample}). */
  public enum Upsampling {
    TRANSPOSED,
    RESIZE
  }

  /** How D sees the label ({@link CganConfig#conditioning()}). */
  public enum Conditioning {
    /** Miyato and Koyama 2018: D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩, φ(x) D's last features. */
    PROJECTION,
    /** A learned H×W embedding of the label as an extra input channel. */
    CHANNEL;

    /** The lower-case name of {@code run.json} and {@code cgan.json}. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The conditioning named {@code id} ({@code channel} or {@code projection}, any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Conditioning of(String id) {
      for (Conditioning c : values()) {
        if (c.id().equalsIgnoreCase(id)) {
          return c;
        }
      }
      throw new IllegalArgumentException("must be channel or projection, got '" + id + "'");
    }
  }

  private final CganConfig config;
  private final int base;
  private final int doublings;
  final Upsampling upsampling;

  private ConvPlan(CganConfig config, Upsampling up) {
    this.config = config;
    int side = config.imageSize();
    int n = 0;
    while (side % 2 == 0 && side / 2 >= 3) {
      side /= 2;
      n++;
    }
    this.base = side;
    this.doublings = n;
    this.upsampling = up;
  }

  /**
   * The layout of {@code config}'s conv networks: resize + convolution (the better upsampling
   * measured, docs/design.md) and D conditioned as {@code config} says.
   */
  public static ConvPlan of(CganConfig config) {
    return new ConvPlan(config, Upsampling.RESIZE);
  }

  /** As {@link #of}, with the upsampling given (for tests and measurements). */
  static ConvPlan of(CganConfig config, Upsampling up) {
    return new ConvPlan(config, up);
  }

  /** How D sees the label: the config's. */
  Conditioning conditioning() {
    return config.conditioning();
  }

  /**
   * Refuses an image side the conv networks cannot make.
   *
   * @throws InvalidSettingException naming {@code imageSize}
   */
  static void requireSize(int imageSize) {
    int side = imageSize;
    int n = 0;
    while (side % 2 == 0 && side / 2 >= 3) {
      side /= 2;
      n++;
    }
    if (n < 2 || side > 8) {
      throw new InvalidSettingException(
          "imageSize",
          "must be B·2ⁿ with B from 3 to 8 and n at least 2 for the conv network (12, 16, 20, 24,"
              + " 28, 32, 48, 64, …), got "
              + imageSize);
    }
  }

  CganConfig config() {
    return config;
  }

  /** B: the side of G's first and D's last feature maps. */
  public int baseSide() {
    return base;
  }

  /** n: how many times G doubles its maps and D halves them. */
  public int doublings() {
    return doublings;
  }

  /** g_i: channels of G's maps at side B·2ⁱ, i = 0 … n−1. */
  public int generatorChannels(int i) {
    return config.width() << (doublings - 1 - i);
  }

  /** d_i: channels of D's i-th strided convolution, at side S/2ⁱ⁺¹, i = 0 … n−1. */
  public int discriminatorChannels(int i) {
    return config.width() << i;
  }

  /** φ(x): D's last features, flattened, B·B·d_{n−1}. */
  public int features() {
    return base * base * discriminatorChannels(doublings - 1);
  }

  /** D's input channels: the image's, plus the label's with {@link Conditioning#CHANNEL}. */
  int discriminatorInputChannels() {
    return config.channels() + (conditioning() == Conditioning.CHANNEL ? 1 : 0);
  }

  int upsamplingKernel() {
    return upsampling == Upsampling.TRANSPOSED ? DOWN_KERNEL : RESIZE_KERNEL;
  }

  /**
   * One layer's size: {@code fanIn} multiply-adds for each of its {@code outputs} values per image,
   * {@code weights} trainable values with its bias (and BatchNorm's scale and offset), {@code
   * floats} values it leaves per image in the forward pass.
   */
  public record Layer(String name, long fanIn, long outputs, long weights, long floats) {
    public long macs() {
      return fanIn * outputs;
    }
  }

  /** G's layers, input to output (the label table is the first, with no multiply-adds). */
  public List<Layer> generatorLayers() {
    List<Layer> layers = new ArrayList<>();
    long c = config.numClasses();
    long in = c + config.latentDim();
    layers.add(new Layer("G_label_emb", 0, 0, c * c, 2 * c + config.latentDim()));
    long g0 = generatorChannels(0);
    long map = (long) base * base * g0;
    // Dense, then BatchNorm (normalised, scaled, shifted) and ReLU: five copies of the map.
    layers.add(new Layer("G_fc0", in, map, in * map + map + 2 * g0, 5 * map));
    long k = upsamplingKernel();
    // Both run as a 4×4 stride-2 transpose, which puts 4 of its 16 taps on each output: the
    // resize's 3×3 kernel is folded into one (Upsample), so no doubled picture is made either.
    long taps = 4;
    for (int i = 1; i <= doublings; i++) {
      long cin = generatorChannels(i - 1);
      boolean last = i == doublings;
      long cout = last ? config.channels() : generatorChannels(i);
      long side = (long) base << i;
      long values = side * side * cout;
      layers.add(
          new Layer(
              last ? "G_out" : "G_up" + i,
              taps * cin,
              values,
              k * k * cin * cout + cout + (last ? 0 : 2 * cout),
              (last ? 2 : 5) * values));
    }
    return layers;
  }

  /** D's layers, input to output, the label's table first; the head last. */
  public List<Layer> discriminatorLayers() {
    List<Layer> layers = new ArrayList<>();
    long c = config.numClasses();
    long size = config.imageSize();
    long features = features();
    if (conditioning() == Conditioning.CHANNEL) {
      long plane = size * size;
      layers.add(new Layer("D_label_emb", 0, 0, c * plane, plane + config.channels() * plane));
    } else {
      layers.add(new Layer("D_label_emb", 0, 0, c * features, 2 * features));
    }
    long cin = discriminatorInputChannels();
    long k = DOWN_KERNEL;
    for (int i = 0; i < doublings; i++) {
      long cout = discriminatorChannels(i);
      long side = size >> (i + 1);
      long values = side * side * cout;
      // With dropout (every layer but the first): the convolution, random draw, mask, product and
      // activation; without, the convolution and its activation.
      long copies = i > 0 && config.dropoutRate() > 0 ? 5 : 2;
      layers.add(
          new Layer("D_conv" + i, k * k * cin, values, k * k * cin * cout + cout, copies * values));
      cin = cout;
    }
    layers.add(new Layer("D_out", features, 1, features + 1, 1));
    return layers;
  }

  /** Trainable values of G. */
  public long generatorVariables() {
    return generatorLayers().stream().mapToLong(Layer::weights).sum();
  }

  /** Trainable values of D. */
  public long discriminatorVariables() {
    return discriminatorLayers().stream().mapToLong(Layer::weights).sum();
  }

  /** G's BatchNorm running means and variances. */
  public long generatorStatistics() {
    long total = 0;
    for (int i = 0; i < doublings; i++) {
      total += 2L * generatorChannels(i);
    }
    return total;
  }

  /** Floats one image leaves in G's forward pass. */
  public long generatorActivations() {
    return generatorLayers().stream().mapToLong(Layer::floats).sum();
  }

  /** Floats one image leaves in D's forward pass. */
  public long discriminatorActivations() {
    return discriminatorLayers().stream().mapToLong(Layer::floats).sum() + config.imagePixels();
  }
}
