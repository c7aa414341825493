package dev.cgan.model;

import java.util.Locale;

/**
 * Which generator weights to draw from: the raw ones the optimiser moves, or their exponential
 * moving average (kept during training when the run's EMA decay is above 0).
 */
public enum Weights {
  /** The weights Adam updates, as the reference samples from. */
  RAW,
  /** The exponential moving average of the raw weights along the run (Yazıcı et al. 2019). */
  EMA;

  /** The lower-case name used on the command line and in metadata: {@code raw} or {@code ema}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The weights named {@code id} ({@code raw} or {@code ema}, any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Weights of(String id) {
    for (Weights w : values()) {
      if (w.id().equalsIgnoreCase(id)) {
        return w;
      }
    }
    throw new IllegalArgumentException("weights must be raw or ema, got " + id);
  }
}
