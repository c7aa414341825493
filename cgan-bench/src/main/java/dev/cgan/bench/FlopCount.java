package dev.cgan.bench;

import dev.cgan.model.Architecture;
import dev.cgan.model.CganConfig;
import dev.cgan.model.ConvPlan;
import dev.cgan.model.Discriminator;
import dev.cgan.model.Generator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Multiply-adds per image of one training iteration, counted over the dense layers (the matmuls),
 * so that images/s can be stated as GFLOP/s next to the machine's matmul peak.
 *
 * <p>A dense layer with an [in, out] weight costs in·out multiply-adds per image forward, and the
 * same again for each of its two backward products: the weight gradient xᵀ·dy and the input
 * gradient dy·Wᵀ. Every layer of both networks needs its input gradient, the first ones included,
 * because the first layer's input holds the trained label embedding. With G and D the forward
 * multiply-adds of the generator and the discriminator, the reference iteration (PyTorch-GAN {@code
 * cgan.py}) costs per image:
 *
 * <pre>
 * G step: G forward (G) + D forward on the fakes (D) + D input gradients (D) + G backward (2G)
 * D step: D forward on real and fakes (2D) + D backward for both (4D)
 * total:  3G + 8D multiply-adds, 2·(3G + 8D) FLOP
 * </pre>
 *
 * <p>The fused {@code TrainingGraph} runs D forward on the fakes once and feeds both losses from
 * it, so it executes 3G + 7D; the two-step mode feeds the fakes back and runs D forward on them
 * again, 3G + 8D. The conv discriminator also shares its backward pass on the fakes between the two
 * losses ({@link dev.cgan.model.SharedBackward}), so the fused conv graph executes 3G + 6D.
 * Throughput is converted with the reference count in both modes, so that GFLOP/s stays
 * proportional to images/s. Biases, BatchNorm, activations, dropout, the losses and Adam are linear
 * in the layer widths and are not counted.
 *
 * @param generatorLayers the generator's dense layers, input to output
 * @param discriminatorLayers the discriminator's dense layers, input to output
 * @param sharedFakeBackward whether D's backward pass on the fakes serves both losses
 */
public record FlopCount(
    List<Dense> generatorLayers, List<Dense> discriminatorLayers, boolean sharedFakeBackward) {
  /**
   * Dense kernels are named {@code <network>_fc<i>_w} by {@link dev.cgan.model.layers.Dense}, or
   * {@code <network>_fc<i>_w_part_<j>} for its row blocks.
   */
  private static final Pattern DENSE_KERNEL = Pattern.compile("([GD]_fc\\d+_w)(_part_\\d+)?");

  /** One dense layer's weight shape [in, out]. */
  public record Dense(String name, long in, long out) {
    /** Multiply-adds per image of this layer's forward product. */
    public long macs() {
      return in * out;
    }
  }

  public FlopCount {
    generatorLayers = List.copyOf(generatorLayers);
    discriminatorLayers = List.copyOf(discriminatorLayers);
  }

  /** Networks whose losses each run their own backward pass through D. */
  public FlopCount(List<Dense> generatorLayers, List<Dense> discriminatorLayers) {
    this(generatorLayers, discriminatorLayers, false);
  }

  /**
   * Reads the dense layer shapes of the networks {@code config} describes, by building them into a
   * scratch graph (nothing is run), so that the count follows the model code rather than a copy of
   * its widths.
   */
  public static FlopCount of(CganConfig config) {
    if (config.arch() == Architecture.CONV) {
      ConvPlan plan = ConvPlan.of(config);
      return new FlopCount(
          convLayers(plan.generatorLayers()), convLayers(plan.discriminatorLayers()), true);
    }
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Generator g = new Generator(tf, config, 0L);
      Discriminator d = new Discriminator(tf, config, 0L);
      return new FlopCount(
          denseLayers(g.trainableVariables()), denseLayers(d.trainableVariables()));
    }
  }

  /**
   * The conv networks' layers as {@link ConvPlan} sizes them: a convolution counts as a "dense"
   * layer of fan-in·outputs multiply-adds (k·k·in taps for each output value; 4·in for a 4×4
   * transposed convolution of stride 2, whose outputs each meet 4 of its 16 taps).
   */
  private static List<Dense> convLayers(List<ConvPlan.Layer> layers) {
    return layers.stream()
        .filter(l -> l.macs() > 0)
        .map(l -> new Dense(l.name(), l.fanIn(), l.outputs()))
        .toList();
  }

  private static List<Dense> denseLayers(List<Variable<TFloat32>> variables) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Variable<TFloat32> v : variables) {
      String name = v.op().name();
      Matcher m = DENSE_KERNEL.matcher(name);
      if (m.matches()) {
        Shape s = v.shape();
        if (s.numDimensions() != 2 || s.isUnknown() || s.hasUnknownDimension()) {
          throw new IllegalStateException(name + " is not a known [in, out] matrix: " + s);
        }
        // Row blocks stack: their rows add up to the layer's inputs.
        long[] inOut = shapes.computeIfAbsent(m.group(1), k -> new long[] {0, s.get(1)});
        inOut[0] += s.get(0);
      }
    }
    List<Dense> layers = new ArrayList<>();
    shapes.forEach((name, inOut) -> layers.add(new Dense(name, inOut[0], inOut[1])));
    return layers;
  }

  /** G: the generator's forward multiply-adds per image. */
  public long generatorForwardMacs() {
    return generatorLayers.stream().mapToLong(Dense::macs).sum();
  }

  /** D: the discriminator's forward multiply-adds per image. */
  public long discriminatorForwardMacs() {
    return discriminatorLayers.stream().mapToLong(Dense::macs).sum();
  }

  /** 3G + 8D: multiply-adds per image of the reference iteration (G step + D step). */
  public long referenceIterationMacs() {
    return 3 * generatorForwardMacs() + 8 * discriminatorForwardMacs();
  }

  /**
   * 3G + 7D: what the fused graph executes, D forward on the fakes being shared; 3G + 6D where D's
   * backward pass on them is shared too.
   */
  public long fusedGraphMacs() {
    return 3 * generatorForwardMacs() + fusedDiscriminatorPasses() * discriminatorForwardMacs();
  }

  private int fusedDiscriminatorPasses() {
    return sharedFakeBackward ? 6 : 7;
  }

  /** 2·(3G + 8D): FLOP per image of the reference iteration. */
  public long referenceIterationFlops() {
    return 2 * referenceIterationMacs();
  }

  /** The count written out with its terms, for the benchmark's report. */
  public String derivation() {
    return String.format(
        Locale.ROOT,
        "G forward = %s = %,d MAC%nD forward = %s = %,d MAC%n"
            + "reference iteration = 3G + 8D = %,d MAC = %,d FLOP per image (%.2f MFLOP)%n"
            + "fused graph executes 3G + %dD = %,d MAC (D forward on the fakes shared%s)",
        terms(generatorLayers),
        generatorForwardMacs(),
        terms(discriminatorLayers),
        discriminatorForwardMacs(),
        referenceIterationMacs(),
        referenceIterationFlops(),
        referenceIterationFlops() / 1e6,
        fusedDiscriminatorPasses(),
        fusedGraphMacs(),
        sharedFakeBackward ? ", and D's backward pass on them" : "");
  }

  private static String terms(List<Dense> layers) {
    StringBuilder sb = new StringBuilder();
    for (Dense d : layers) {
      sb.append(sb.length() == 0 ? "" : " + ").append(d.in()).append('·').append(d.out());
    }
    return sb.toString();
  }
}
