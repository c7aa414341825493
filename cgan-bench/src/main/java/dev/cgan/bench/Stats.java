package dev.cgan.bench;

import java.util.Arrays;

/**
 * Median, minimum and maximum of repeated measurements of one quantity.
 *
 * @param median the middle sample; the mean of the two middle samples for an even count
 * @param min the smallest sample
 * @param max the largest sample
 * @param count how many samples
 */
public record Stats(double median, double min, double max, int count) {

  /**
   * Summarises {@code samples}.
   *
   * @throws IllegalArgumentException when there are no samples or one is NaN
   */
  public static Stats of(double... samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    if (Double.isNaN(sorted[sorted.length - 1])) {
      // Arrays.sort puts NaN last; one NaN would make every statistic meaningless.
      throw new IllegalArgumentException("a sample is NaN: " + Arrays.toString(samples));
    }
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Stats(median, sorted[0], sorted[n - 1], n);
  }

  /** Every statistic multiplied by {@code factor} (≥ 0), e.g. images/s into GFLOP/s. */
  public Stats times(double factor) {
    if (!(factor >= 0)) {
      throw new IllegalArgumentException("factor must be non-negative, got " + factor);
    }
    return new Stats(median * factor, min * factor, max * factor, count);
  }

  /** (max − min) / median: how far apart the repeats were, relative to the reported value. */
  public double relativeSpread() {
    return median == 0 ? 0 : (max - min) / median;
  }
}
