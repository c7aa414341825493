package dev.cgan.model;

import java.util.Locale;

/** Which pair of networks a {@link CganConfig} describes. */
public enum Architecture {
  /** The reference: fully connected {@link Generator} and {@link Discriminator}. */
  MLP,
  /**
   * The DCGAN-style {@link ConvGenerator} and {@link ConvDiscriminator}, laid out by {@link
   * ConvPlan}.
   */
  CONV;

  /** The lower-case name of the command line, {@code run.json} and {@code cgan.json}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The architecture named {@code id} ({@code mlp} or {@code conv}, any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Architecture of(String id) {
    for (Architecture a : values()) {
      if (a.id().equalsIgnoreCase(id)) {
        return a;
      }
    }
    throw new IllegalArgumentException("must be mlp or conv, got '" + id + "'");
  }
}
