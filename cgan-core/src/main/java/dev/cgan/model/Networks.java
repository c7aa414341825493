package dev.cgan.model;

import org.tensorflow.op.Ops;

/**
 * The one place the architecture is chosen: G and D for a {@link CganConfig}, by its {@link
 * CganConfig#arch()}. Training, the averaged generator, the SavedModel and the benchmark ask here.
 */
public final class Networks {
  private Networks() {}

  /** G with its variables named for {@code weights} ({@code G_…} or {@code G_ema_…}). */
  public static GeneratorNetwork generator(Ops tf, CganConfig config, long seed, Weights weights) {
    return switch (config.arch()) {
      case MLP -> new Generator(tf, config, seed, weights);
      case CONV -> new ConvGenerator(tf, ConvPlan.of(config), seed, weights);
    };
  }

  /** D, its variables named {@code D_…}. */
  public static DiscriminatorNetwork discriminator(Ops tf, CganConfig config, long seed) {
    return switch (config.arch()) {
      case MLP -> new Discriminator(tf, config, seed);
      case CONV -> new ConvDiscriminator(tf, ConvPlan.of(config), seed);
    };
  }
}
