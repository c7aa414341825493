package dev.cgan.serve;

import dev.cgan.InvalidSettingException;

/**
 * How {@link CganGenerator} draws the latent vectors of one call from its seed.
 *
 * <pre>{@code
 * g.render(labels, 7L, Noise.independent());                      // as render(labels, 7L)
 * g.render(labels, 7L, Noise.oneStyle());                        // one hand for the whole row
 * g.render(labels, 7L, Noise.independent().withTruncation(1f));   // every entry within ±1
 * }</pre>
 *
 * @param sameStyle one latent vector for the whole sequence, the one the seed draws for a single
 *     label, so that equal labels give equal images; false: one latent per label
 * @param truncation the truncation trick's bound T: latent entries beyond ±T are replaced by draws
 *     from N(0, 1) conditioned on [−T, T] (what redrawing them until they are inside gives),
 *     entries inside keep their value; {@link Float#POSITIVE_INFINITY} for none
 */
public record Noise(boolean sameStyle, float truncation) {
  private static final Noise INDEPENDENT = new Noise(false, Float.POSITIVE_INFINITY);

  /**
   * @throws InvalidSettingException naming {@code truncation} when it is not positive
   */
  public Noise {
    checkTruncation(truncation);
  }

  /** One latent per label, untruncated: what the methods without a {@code Noise} draw. */
  public static Noise independent() {
    return INDEPENDENT;
  }

  /** One latent for the whole sequence (one writer's hand, {@code --same-style}), untruncated. */
  public static Noise oneStyle() {
    return new Noise(true, Float.POSITIVE_INFINITY);
  }

  /** This noise with one latent for the whole sequence, or one per label. */
  public Noise withSameStyle(boolean same) {
    return new Noise(same, truncation);
  }

  /** This noise with the truncation bound {@code t} (> 0; +∞ for none). */
  public Noise withTruncation(float t) {
    return new Noise(sameStyle, t);
  }

  /** Whether latent entries are truncated at all. */
  public boolean truncated() {
    return truncation != Float.POSITIVE_INFINITY;
  }

  /**
   * Refuses a truncation bound that is not positive (or NaN), before anything runs.
   *
   * @throws InvalidSettingException "truncation must be positive, got -1.0"
   */
  public static void checkTruncation(float t) {
    if (!(t > 0)) {
      throw new InvalidSettingException("truncation", "must be positive, got " + t);
    }
    // A subnormal bound is flushed to zero by the CPU's float kernels, which the graph reads as
    // "no truncation": the opposite of what was asked.
    if (t < Float.MIN_NORMAL) {
      throw new InvalidSettingException(
          "truncation", "must be at least " + Float.MIN_NORMAL + " (a normal float), got " + t);
    }
  }
}
